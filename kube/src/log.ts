/**
 * Structured logs, one line per event, to stderr: JSON for machines (not a terminal, or
 * SMART_FLEET_LOG_FORMAT=json), a readable line on a terminal (or SMART_FLEET_LOG_FORMAT=text).
 * An Error in a field is written as one line (describeError), never as an HTTP exchange.
 * Never pass secret values here.
 */
import { describeError } from './describe-error.ts';

export type LogFields = Record<string, unknown>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export type LogFormat = 'json' | 'text';
type Write = (line: string) => void;
type Render = (level: 'info' | 'error', message: string, fields: LogFields) => string;

const toStderr: Write = (line) => process.stderr.write(line);
const plain = (fields: LogFields): LogFields =>
  Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v instanceof Error ? describeError(v) : v]));

function makeLogger(render: Render, base: LogFields, write: Write): Logger {
  const emit = (level: 'info' | 'error', message: string, fields?: LogFields) =>
    write(render(level, message, plain({ ...base, ...fields })));
  return {
    info: (message, fields) => emit('info', message, fields),
    error: (message, fields) => emit('error', message, fields),
    child: (fields) => makeLogger(render, { ...base, ...fields }, write),
  };
}

const renderJson: Render = (level, message, fields) =>
  `${JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields })}\n`;

/** The fields that say who speaks lead the line; the rest follow as key=value. */
const SPEAKERS = ['component', 'controller'];

function textValue(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /^[^\s"=]+$/.test(text ?? '') ? (text as string) : JSON.stringify(text ?? String(value));
}

const renderText: Render = (level, message, fields) => {
  const time = new Date().toISOString().slice(11, 23);
  const speaker = SPEAKERS.map((k) => fields[k]).filter((v) => typeof v === 'string');
  const rest = Object.entries(fields)
    .filter(([k, v]) => !SPEAKERS.includes(k) && v !== undefined)
    .map(([k, v]) => `${k}=${textValue(v)}`);
  const who = speaker.length > 0 ? ` ${speaker.join('/')}:` : '';
  return `${time} ${level === 'error' ? 'ERROR' : 'info '}${who} ${message}${rest.length ? `  ${rest.join(' ')}` : ''}\n`;
};

export function jsonLogger(base: LogFields = {}, write: Write = toStderr): Logger {
  return makeLogger(renderJson, base, write);
}

export function textLogger(base: LogFields = {}, write: Write = toStderr): Logger {
  return makeLogger(renderText, base, write);
}

/** JSON unless stderr is a terminal; SMART_FLEET_LOG_FORMAT (json, text) decides when set. */
export function logFormatFor(env: NodeJS.ProcessEnv = process.env, tty = process.stderr.isTTY): LogFormat {
  const asked = env.SMART_FLEET_LOG_FORMAT;
  if (asked === 'json' || asked === 'text') {
    return asked;
  }
  return tty ? 'text' : 'json';
}

/** The logger a command's entry point uses: readable on a terminal, JSON otherwise. */
export function processLogger(base: LogFields = {}): Logger {
  return logFormatFor() === 'text' ? textLogger(base) : jsonLogger(base);
}

export const silentLogger: Logger = { info: () => {}, error: () => {}, child: () => silentLogger };
