import type { LoggerService, LogLevel } from '@nestjs/common';
import pino, { type Logger as Pino, type LevelWithSilent } from 'pino';

/**
 * What must never reach a log line, wherever it sits in a logged object (issue #18 §2). Log lines
 * carry ids, never credentials; this is the net under that rule, for a field someone adds later.
 */
export const REDACTED_FIELDS = [
  'authorization',
  'cookie',
  'set-cookie',
  'password',
  'client_secret',
  'client_assertion',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'id_token_hint',
  'logout_token',
  'subject_token',
  'code',
  'code_verifier',
  'secret',
];

const PINO_LEVEL: Record<LogLevel, LevelWithSilent> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

export type LogFormat = 'json' | 'pretty';

/**
 * The service's pino logger: one JSON object per line (`service`, `level`, `time`, `msg`, and the
 * line's fields) for log shippers, or pino-pretty's coloured lines for a terminal (`npm start` sets
 * `TESSERA_LOG_FORMAT=pretty`; pino-pretty is a development dependency, so a production image stays
 * on JSON).
 */
export function createServiceLogger(service: string, level: LogLevel, format: LogFormat = 'json'): Pino {
  // One pino (one stdout writer) per process and settings: launchService's and the app's are the same.
  const key = `${service}|${level}|${format}`;
  const existing = loggers.get(key);
  if (existing) return existing;
  const created = newLogger(service, level, format);
  loggers.set(key, created);
  return created;
}

const loggers = new Map<string, Pino>();

function newLogger(service: string, level: LogLevel, format: LogFormat): Pino {
  const paths = REDACTED_FIELDS.flatMap((field) => [`["${field}"]`, `*["${field}"]`, `*.*["${field}"]`]);
  return pino({
    level: PINO_LEVEL[level],
    base: { service },
    redact: { paths, censor: '[redacted]' },
    ...(format === 'pretty'
      ? {
          transport: {
            target: 'pino-pretty',
            options: {
              colorize: true,
              translateTime: 'HH:MM:ss.l',
              // One line an entry, `context: message`, the line's other fields after it.
              singleLine: true,
              messageFormat: '{if context}{context}: {end}{msg}',
              ignore: 'pid,hostname,service,context',
            },
          },
        }
      : {}),
  });
}

/**
 * Nest's logger interface over pino, so `new Logger(context).log(…)` everywhere in the code writes
 * the same structured lines (`context` as a field). Nest passes an Error's stack as the second
 * argument of `error`; an object argument becomes the line's fields.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: Pino) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(
    level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal',
    message: unknown,
    rest: unknown[],
  ) {
    if (!this.pino.isLevelEnabled(level)) return;
    // Nest's convention: the last string argument is the context; for `error`, a string before it is the stack.
    const strings = rest.filter((value): value is string => typeof value === 'string');
    const context = strings.at(-1);
    const stack = level === 'error' && strings.length > 1 ? strings.at(-2) : undefined;
    const fields = {
      ...(context !== undefined ? { context } : {}),
      ...(stack !== undefined ? { stack } : {}),
    };
    if (message instanceof Error) this.pino[level]({ ...fields, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.pino[level]({ ...fields, ...message });
    else this.pino[level](fields, String(message));
  }
}
