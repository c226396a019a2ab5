/**
 * How big an inventory may be, checked before anything is parsed or used, so a hostile or
 * runaway file is refused in bounded time and memory with a message that names the limit.
 * docs/inventory.md documents the same numbers; the national fleet (21,011 objects, 10.8 MB in
 * one file, 970,000 nodes counting keys) sits well inside every one of them.
 */
import { Buffer } from 'node:buffer';
import type { InventoryProblem } from './document.ts';

export const INVENTORY_LIMITS = {
  /** Bytes in one file (UTF-8). */
  fileBytes: 64 * 1024 * 1024,
  /** Bytes in all the files of one inventory together. */
  totalBytes: 128 * 1024 * 1024,
  /** Entries in all sections of all files together. */
  entries: 250_000,
  /**
   * Nodes one file may hold with every alias expanded: each key, value and list item counts once
   * for every place it appears.
   */
  fileNodes: 8_000_000,
  /** Characters of text (keys and string values) one file may hold, aliases expanded. */
  fileChars: 64 * 1024 * 1024,
  /** Nodes one entry, or one section's defaults, may hold with every alias expanded. */
  entryNodes: 10_000,
  /** Characters of text one entry, or one section's defaults, may hold, aliases expanded. */
  entryChars: 1024 * 1024,
  /**
   * Nodes all entries of an inventory may hold together, aliases expanded and each with its
   * section's defaults merged in: what every later step (clone, schema, rules) works through.
   */
  totalNodes: 16_000_000,
  /** Characters of text all entries may hold together, the same way. */
  totalChars: 128 * 1024 * 1024,
  /** Nesting depth, aliases expanded (a site's deepest field is 7 levels down). */
  depth: 32,
  /** Problems reported before checking stops. */
  problems: 1_000,
} as const;

export function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return mib >= 1 ? `${mib.toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

function tooBig(file: string, message: string): InventoryProblem {
  return { file, line: 1, column: 1, path: '(file)', message };
}

/**
 * Problems with the files' sizes in bytes, before any is parsed (or read, when the sizes come
 * from the file system): a file over the per-file limit, and the file that takes the inventory
 * over the total.
 */
export function sizeProblems(files: readonly { file: string; bytes: number }[]): InventoryProblem[] {
  const problems: InventoryProblem[] = [];
  let total = 0;
  for (const { file, bytes } of files) {
    total += bytes;
    if (bytes > INVENTORY_LIMITS.fileBytes) {
      problems.push(tooBig(file, fileTooBigMessage(bytes)));
    } else if (total > INVENTORY_LIMITS.totalBytes) {
      problems.push(tooBig(file, totalTooBigMessage(total)));
      break;
    }
  }
  return problems;
}

/** Bytes of text as UTF-8, what a file holding it takes. */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

export function fileTooBigMessage(bytes: number): string {
  const limit = INVENTORY_LIMITS.fileBytes;
  return `the file is ${formatBytes(bytes)} (${bytes} bytes), over the limit of ${formatBytes(limit)} (${limit} bytes) for one inventory file; split it into several files`;
}

export function totalTooBigMessage(total: number): string {
  const limit = INVENTORY_LIMITS.totalBytes;
  return `with this file the inventory is ${formatBytes(total)} (${total} bytes), over the limit of ${formatBytes(limit)} (${limit} bytes) for all its files together`;
}
