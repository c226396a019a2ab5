/**
 * Device path patterns, as an operator writes them: `/dev/smart-accel[0-9]*`,
 * `/dev/nvidia[0-9]*`. The directory is literal; the last segment may use `*` (any run of
 * characters), `?` (one character) and `[...]` classes (`[0-9]`, `[ab]`, `[!0-9]`). The matcher is
 * a two-pointer glob walk, not a regular expression, so a pattern of many stars costs at most
 * name x pattern steps and can never backtrack exponentially.
 */
import { basename, dirname, isAbsolute, normalize } from 'node:path';
import { elide, quote } from '@smart-fleet/model/echo';

export const DEFAULT_DEVICE_PATTERN = '/dev/smart-accel[0-9]*';
export const MAX_PATTERN_CHARS = 256;
/** More patterns than this is a configuration mistake, not a machine. */
export const MAX_PATTERNS = 16;

export class DevicePatternError extends Error {
  override readonly name = 'DevicePatternError';
  readonly pattern: string;
  constructor(pattern: string, reason: string) {
    super(`device pattern ${quote(pattern)}: ${reason}`);
    this.pattern = elide(pattern, MAX_PATTERN_CHARS);
  }
}

type Token =
  | { kind: 'char'; char: string }
  | { kind: 'one' }
  | { kind: 'star' }
  | { kind: 'class'; negated: boolean; ranges: [string, string][] };

export interface DevicePattern {
  /** The pattern as given. */
  readonly text: string;
  /** The directory the devices are in (literal). */
  readonly dir: string;
  /** Whether a file name in `dir` matches the last segment. */
  matches(name: string): boolean;
}

const GLOB_CHARS = /[*?[\]]/;

export function parseDevicePattern(text: string): DevicePattern {
  if (text.length === 0 || text.length > MAX_PATTERN_CHARS) {
    throw new DevicePatternError(text, `must be 1 to ${MAX_PATTERN_CHARS} characters`);
  }
  if (!isAbsolute(text) || text.endsWith('/')) {
    throw new DevicePatternError(text, 'must be an absolute path to files, e.g. /dev/smart-accel[0-9]*');
  }
  const dir = dirname(text);
  const segment = basename(text);
  if (GLOB_CHARS.test(dir)) {
    throw new DevicePatternError(text, 'only the last path segment may hold *, ? or [...]');
  }
  if (normalize(dir) !== dir || segment === '.' || segment === '..') {
    throw new DevicePatternError(text, 'the directory must be written plainly (no ".", ".." or "//")');
  }
  const tokens = tokenize(text, segment);
  // A leading `*` or `?` does not match hidden files, as in a shell.
  const hiddenOk = segment.startsWith('.');
  return {
    text,
    dir,
    matches: (name) => (hiddenOk || !name.startsWith('.')) && globMatch(tokens, name),
  };
}

export function parseDevicePatterns(texts: readonly string[]): DevicePattern[] {
  if (texts.length === 0 || texts.length > MAX_PATTERNS) {
    throw new DevicePatternError(texts.join(' '), `give 1 to ${MAX_PATTERNS} patterns, not ${texts.length}`);
  }
  return texts.map(parseDevicePattern);
}

function tokenize(text: string, segment: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < segment.length; i++) {
    const char = segment.charAt(i);
    if (char === '[') {
      const end = segment.indexOf(']', i + 2);
      if (end < 0) {
        throw new DevicePatternError(
          text,
          `the class opened at character ${i + 1} of ${quote(segment)} is not closed`,
        );
      }
      tokens.push(parseClass(text, segment.slice(i + 1, end)));
      i = end;
    } else if (char === ']') {
      throw new DevicePatternError(text, `"]" at character ${i + 1} of ${quote(segment)} closes no class`);
    } else {
      tokens.push(simpleToken(char));
    }
  }
  return tokens;
}

function simpleToken(char: string): Token {
  if (char === '*') {
    return { kind: 'star' };
  }
  return char === '?' ? { kind: 'one' } : { kind: 'char', char };
}

/** The inside of `[...]`: an optional leading `!` or `^`, then characters and `a-z` ranges. */
function parseClass(text: string, body: string): Token {
  const negated = body.startsWith('!') || body.startsWith('^');
  const members = negated ? body.slice(1) : body;
  if (members.length === 0) {
    throw new DevicePatternError(text, `the class [${body}] names no characters`);
  }
  const ranges: [string, string][] = [];
  for (let i = 0; i < members.length; i++) {
    const from = members.charAt(i);
    if (members.charAt(i + 1) === '-' && i + 2 < members.length) {
      const to = members.charAt(i + 2);
      if (to < from) {
        throw new DevicePatternError(text, `the range ${from}-${to} in [${body}] runs backwards`);
      }
      ranges.push([from, to]);
      i += 2;
    } else {
      ranges.push([from, from]);
    }
  }
  return { kind: 'class', negated, ranges };
}

function matchesOne(token: Token, char: string): boolean {
  switch (token.kind) {
    case 'char':
      return token.char === char;
    case 'one':
      return true;
    case 'class':
      return token.ranges.some(([from, to]) => char >= from && char <= to) !== token.negated;
    case 'star':
      return false;
  }
}

/**
 * Greedy walk remembering only the last star: on a mismatch, let that star swallow one more
 * character and retry from just after it. Linear in practice, name x pattern at worst.
 */
function globMatch(tokens: readonly Token[], name: string): boolean {
  let t = 0;
  let n = 0;
  let starAt = -1;
  let starName = 0;
  while (n < name.length) {
    const token = tokens[t];
    if (token?.kind === 'star') {
      starAt = t++;
      starName = n;
    } else if (token && matchesOne(token, name.charAt(n))) {
      t++;
      n++;
    } else if (starAt >= 0) {
      t = starAt + 1;
      n = ++starName;
    } else {
      return false;
    }
  }
  while (tokens[t]?.kind === 'star') {
    t++;
  }
  return t === tokens.length;
}
