/**
 * request.log for every service's routes (createApp sets it), built only when a line is written: Fastify makes a
 * pino child logger for every request (its bindings go through the redaction paths: ~5 us and garbage per
 * request, bench:queue), yet a request writes a line only when the access log is on or something fails. This stands in for that child and
 * makes the real one at the first line written at an enabled level, with the same bindings and options, so lines
 * are the same as before. Requests whose route sets its own level or serializers get the real child at once.
 */
import type { Logger } from '@rail/logger';
import type { FastifyBaseLogger } from 'fastify';

type Bindings = Record<string, unknown>;
type ChildOptions = { level?: string; serializers?: unknown };
type LevelName = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

class LazyRequestLogger {
  #child: Logger | undefined;
  readonly #parent: Logger;
  readonly #bindings: Bindings;

  constructor(parent: Logger, bindings: Bindings) {
    this.#parent = parent;
    this.#bindings = bindings;
  }

  #real(): Logger {
    return (this.#child ??= this.#parent.child(this.#bindings));
  }

  #write(level: LevelName, args: unknown[]): void {
    if (!this.#parent.isLevelEnabled(level)) return;
    (this.#real()[level] as (...a: unknown[]) => void)(...args);
  }

  get level(): string {
    return this.#child?.level ?? this.#parent.level;
  }

  set level(level: string) {
    this.#real().level = level;
  }

  isLevelEnabled(level: string): boolean {
    return this.#child ? this.#child.isLevelEnabled(level) : this.#parent.isLevelEnabled(level);
  }

  fatal(...args: unknown[]): void {
    this.#write('fatal', args);
  }
  error(...args: unknown[]): void {
    this.#write('error', args);
  }
  warn(...args: unknown[]): void {
    this.#write('warn', args);
  }
  info(...args: unknown[]): void {
    this.#write('info', args);
  }
  debug(...args: unknown[]): void {
    this.#write('debug', args);
  }
  trace(...args: unknown[]): void {
    this.#write('trace', args);
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildOptions): FastifyBaseLogger {
    return this.#real().child(bindings, options as never);
  }
}

/** For `app.setChildLoggerFactory` (Fastify's signature: parent, bindings, the route's child options). */
export function lazyRequestLogger(parent: FastifyBaseLogger, bindings: Bindings, options: ChildOptions): FastifyBaseLogger {
  if (options.level !== undefined || options.serializers !== undefined) return parent.child(bindings, options as never);
  // The app's logger is the service's pino logger (createApp's loggerInstance), which has isLevelEnabled.
  return new LazyRequestLogger(parent as unknown as Logger, bindings) as unknown as FastifyBaseLogger;
}
