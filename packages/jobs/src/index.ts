/**
 * The one way a service runs periodic work (expiring holds, purging old rows, publishing trips): a named job
 * whose runs never overlap, whose failures are logged and retried on the next tick, whose timer never keeps the
 * process alive, and whose stop waits for the run in progress so a shutdown never closes a pool under it.
 */
/** The part of the service logger a job uses (a pino logger fits). */
export interface JobLogger {
  warn(fields: object, message: string): void;
}

export interface PeriodicJobOptions {
  /** Shown in the logs, e.g. `expire-bookings`. */
  name: string;
  /** Pause between the end of one run and the start of the next. */
  intervalMs: number;
  /** One run. The signal aborts when the job is stopped, so a long run can finish early. */
  run: (signal: AbortSignal) => Promise<unknown>;
  logger: JobLogger;
  /** Up to this much is added at random to each pause, so replicas started together do not run in step. */
  jitterMs?: number;
  /** Delay before the first run (default: one interval; 0 runs at once). */
  initialDelayMs?: number;
}

export interface PeriodicJob {
  readonly name: string;
  /** Stops scheduling runs, aborts the signal and resolves once the run in progress (if any) has finished. */
  stop(): Promise<void>;
}

export function startPeriodicJob(options: PeriodicJobOptions): PeriodicJob {
  const { name, intervalMs, run, logger } = options;
  if (!(intervalMs > 0)) throw new RangeError(`job ${name}: intervalMs must be positive, got ${intervalMs}`);
  const jitterMs = options.jitterMs ?? 0;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const tick = async (): Promise<void> => {
    try {
      await run(controller.signal);
    } catch (err) {
      if (!controller.signal.aborted) logger.warn({ err, job: name }, 'job run failed; retrying on the next tick');
    }
  };

  // The next run is scheduled only when the previous one has ended, so runs can never overlap.
  const schedule = (delayMs: number): void => {
    if (controller.signal.aborted) return;
    timer = setTimeout(() => {
      timer = undefined;
      running = tick().finally(() => {
        running = undefined;
        schedule(intervalMs + Math.random() * jitterMs);
      });
    }, delayMs);
    timer.unref();
  };
  schedule(options.initialDelayMs ?? intervalMs + Math.random() * jitterMs);

  return {
    name,
    async stop() {
      controller.abort();
      if (timer !== undefined) clearTimeout(timer);
      await running;
    },
  };
}
