export * from './document.ts';
export * from './generate.ts';
export { INVENTORY_LIMITS, sizeProblems } from './limits.ts';
export * from './parse.ts';
export * from './sections.ts';
