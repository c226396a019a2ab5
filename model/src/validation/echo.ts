/**
 * How much of the input a problem may repeat back. Messages quote the value they refuse so a
 * reader sees what was wrong, but input is hostile as often as it is mistaken: a 60 MB string,
 * or a list that aliases expand to millions of entries, must not become a 60 MB log line. Every
 * echo of input goes through `quote` (a value) or `elide` (text already built), so a message is
 * bounded in length whatever it was given; `problem()` applies the last cap to every message.
 */

/** The most characters of a value a message quotes before eliding the rest. */
export const MAX_QUOTED_CHARS = 64;
/** The longest a problem's message may be. */
export const MAX_MESSAGE_CHARS = 400;
/** The longest a problem's path may be (field names come from the input too). */
export const MAX_PATH_CHARS = 200;

/** `text` cut to at most `max` characters, saying how long it was when cut. */
export function elide(text: string, max: number): string {
  if (text.length <= max) {
    return text;
  }
  const note = `… (${text.length} characters)`;
  return text.slice(0, Math.max(0, max - note.length)) + note;
}

/**
 * A dotted path bounded in length: each field name over MAX_QUOTED_CHARS is cut on its own (so
 * the path still names where it leads), then the whole at MAX_PATH_CHARS.
 */
export function boundPath(path: string): string {
  if (path.length <= MAX_PATH_CHARS) {
    return path;
  }
  const names = path.split('.').map((name) => elide(name, MAX_QUOTED_CHARS));
  return elide(names.join('.'), MAX_PATH_CHARS);
}

/**
 * A value as a message quotes it: a string in quotes (cut at `max` characters), a number or
 * boolean as written, a list or mapping by its shape only. Never walks into a value, so it is
 * safe on anything, cyclic or aliased many times over.
 */
export function quote(value: unknown, max = MAX_QUOTED_CHARS): string {
  if (typeof value === 'string') {
    if (value.length <= max) {
      return JSON.stringify(value);
    }
    return `${JSON.stringify(value.slice(0, max))}… (${value.length} characters)`;
  }
  if (Array.isArray(value)) {
    return `a list of ${value.length}`;
  }
  if (value === null) {
    return 'null';
  }
  if (typeof value === 'object') {
    return 'a mapping';
  }
  if (value === undefined) {
    return 'nothing';
  }
  return elide(String(value), max);
}
