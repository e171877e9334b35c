/**
 * Records process-level failures (an 'error' event nobody listens to, a rejected promise nobody awaits) while
 * a test runs: in a service either one ends the process, so an outage test asserts that none happened.
 */

export interface ProcessErrorWatch {
  /** Everything seen since start (uncaught exceptions and unhandled rejections). */
  readonly errors: unknown[];
  stop(): void;
}

export function watchProcessErrors(): ProcessErrorWatch {
  const errors: unknown[] = [];
  const record = (error: unknown): void => void errors.push(error);
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);
  return {
    errors,
    stop() {
      process.removeListener('uncaughtException', record);
      process.removeListener('unhandledRejection', record);
    },
  };
}
