export * from './document.ts';
export * from './generate.ts';
export * from './parse.ts';
export * from './sections.ts';
