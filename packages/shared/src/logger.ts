/** Structured logging: one JSON object per line, so that any log collector can parse it without a grammar. */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  readonly level?: LogLevel;
  readonly write?: (line: string) => void;
  readonly now?: () => Date;
}

function serializeError(value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
}

const OWN_KEYS = new Set(['time', 'level', 'service', 'msg']);

export function createLogger(service: string, options: LoggerOptions = {}, bound: Record<string, unknown> = {}): Logger {
  const min = LOG_LEVELS.indexOf(options.level ?? 'info');
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  const now = options.now ?? (() => new Date());
  const log =
    (level: LogLevel) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      if (LOG_LEVELS.indexOf(level) < min) return;
      const record: Record<string, unknown> = { time: now().toISOString(), level, service, msg };
      // The record's own keys are never replaced by a field of the same name (a warning about an upstream
      // once logged itself as that service): such a field is kept as `field.<name>`.
      for (const [k, v] of [...Object.entries(bound), ...Object.entries(fields)]) record[OWN_KEYS.has(k) ? `field.${k}` : k] = serializeError(v);
      write(`${JSON.stringify(record)}\n`);
    };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (fields) => createLogger(service, options, { ...bound, ...fields }),
  };
}
