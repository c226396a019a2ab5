/**
 * Opaque cursors for keyset pagination: a short list of strings and numbers (what sort, and where
 * in it), as base64url JSON. They carry no secret: a forged cursor can only position a query
 * within data its caller may read anyway, so decoding only has to refuse what we never issued.
 */

export class CursorError extends Error {
  override name = 'CursorError';

  constructor(message = 'cursor is not one this API issued') {
    super(message);
  }
}

/** Far above any cursor we issue; bounds the work a hostile client can ask of the decoder. */
const MAX_CURSOR_LENGTH = 2048;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): (string | number)[] {
  if (typeof cursor !== 'string' || cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor)) {
    throw new CursorError();
  }
  const values = parseJson(Buffer.from(cursor, 'base64url').toString('utf8'));
  // Re-encoding must give the same text: refuses padding, stray bits and anything else we would
  // not have written, so one position has exactly one cursor.
  if (!isCursorValues(values) || encodeCursor(values) !== cursor) {
    throw new CursorError();
  }
  return values;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CursorError();
  }
}

function isCursorValues(value: unknown): value is (string | number)[] {
  return (
    Array.isArray(value) &&
    value.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))
  );
}
