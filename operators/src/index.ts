export * from './manager.ts';
export * from './runtime/log.ts';
