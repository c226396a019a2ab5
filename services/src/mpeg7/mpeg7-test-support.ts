/**
 * What the MPEG-7 tests share: a sample title, and where a piece of text sits in a document
 * (so expected lines and columns are computed from the document, not typed in).
 */
import assert from 'node:assert/strict';
import { Mpeg7Error, type Mpeg7ErrorCode } from './mpeg7-error.ts';
import type { Mpeg7Title } from './mpeg7-vocabulary.ts';

export function sampleTitle(): Mpeg7Title {
  return {
    mpeg7: {
      title: 'Seoul by night: <lights> & "sounds"',
      genre: ['documentary', 'travel'],
      creators: [
        { name: '봉준호', role: 'Director' },
        { name: 'Kim Ji-woo', role: 'Executive Producer' },
      ],
      language: 'ko',
      durationSeconds: 5412,
      synopsis: 'A night in Seoul.\nFrom Namsan to the Han river,\r\n  in one take.',
    },
    renditions: [
      { name: 'hd-20m', codec: 'H.264', bitrateMbps: 20, sizeMB: 13530 },
      { name: 'hd-8m', codec: 'MPEG-4', bitrateMbps: 8.5, sizeMB: 5751 },
      { name: 'sd-4m', codec: 'MPEG-2', bitrateMbps: 4, sizeMB: 2706 },
      { name: 'sd-2m', codec: 'MPEG-1', bitrateMbps: 2, sizeMB: 1353 },
    ],
    frames: { 'hd-20m': { width: 1920, height: 1080 }, 'sd-2m': { width: 640, height: 360 } },
  };
}

/** 1-based line and column of the first `needle` in `text` (after `from`, when given). */
export function positionOf(text: string, needle: string, from = ''): { line: number; column: number } {
  const start = from ? text.indexOf(from) : 0;
  const index = text.indexOf(needle, Math.max(0, start));
  assert.ok(index >= 0, `${needle} is in the document`);
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return { line, column: index - before.lastIndexOf('\n') };
}

/** Runs `read`, asserting it throws an Mpeg7Error with `code`; returns the error. */
export function refusal(read: () => unknown, code: Mpeg7ErrorCode): Mpeg7Error {
  try {
    read();
  } catch (error) {
    assert.ok(error instanceof Mpeg7Error, `an Mpeg7Error, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  return assert.fail(`expected an Mpeg7Error (${code})`);
}
