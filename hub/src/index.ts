export * from './apply-inventory.ts';
export * from './crds.ts';
export * from './hub-references.ts';
export * from './inventory-files.ts';
export * from './local-hub.ts';
export { makeServingCert, type ServingCert } from './pki.ts';
export * from './ports.ts';
export * from './progress.ts';
export * from './toolchain.ts';
