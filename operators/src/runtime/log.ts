/** Structured JSON logs, one object per line, to stderr. Never pass secret values here. */
export type LogFields = Record<string, unknown>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export function jsonLogger(
  base: LogFields = {},
  write: (line: string) => void = (l) => process.stderr.write(l),
): Logger {
  const emit = (level: string, message: string, fields?: LogFields) =>
    write(`${JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...base, ...fields })}\n`);
  return {
    info: (message, fields) => emit('info', message, fields),
    error: (message, fields) => emit('error', message, fields),
    child: (fields) => jsonLogger({ ...base, ...fields }, write),
  };
}

export const silentLogger: Logger = { info: () => {}, error: () => {}, child: () => silentLogger };
