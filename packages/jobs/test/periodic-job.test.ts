/** The periodic job scheduler with real timers: cadence, no overlap, failures retried, stop, jitter, unref. */
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startPeriodicJob, type PeriodicJob } from '@rail/jobs';

interface Warning {
  fields: Record<string, unknown>;
  message: string;
}

function recordingLogger() {
  const warnings: Warning[] = [];
  return {
    warnings,
    logger: {
      warn: (fields: object, message: string) => void warnings.push({ fields: fields as Record<string, unknown>, message }),
    },
  };
}

const jobs: PeriodicJob[] = [];
afterEach(async () => {
  await Promise.all(jobs.splice(0).map((job) => job.stop()));
});

function start(options: Parameters<typeof startPeriodicJob>[0]): PeriodicJob {
  const job = startPeriodicJob(options);
  jobs.push(job);
  return job;
}

describe('startPeriodicJob', () => {
  it('runs the job again and again, the first time after one interval', async () => {
    let runs = 0;
    const { logger } = recordingLogger();
    start({ name: 'count', intervalMs: 20, logger, run: async () => void runs++ });
    await sleep(10);
    expect(runs).toBe(0);
    await sleep(150);
    expect(runs).toBeGreaterThanOrEqual(3);
  });

  it('runs at once when initialDelayMs is 0', async () => {
    let runs = 0;
    const { logger } = recordingLogger();
    start({ name: 'now', intervalMs: 60_000, initialDelayMs: 0, logger, run: async () => void runs++ });
    await sleep(20);
    expect(runs).toBe(1);
  });

  it('never starts a run while the previous one is still going', async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const { logger } = recordingLogger();
    start({
      name: 'slow',
      intervalMs: 5,
      logger,
      run: async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        await sleep(40);
        active--;
        runs++;
      },
    });
    await sleep(200);
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(maxActive).toBe(1);
  });

  it('logs a failed run with the job name and runs again on the next tick', async () => {
    let runs = 0;
    const { logger, warnings } = recordingLogger();
    start({
      name: 'flaky',
      intervalMs: 10,
      logger,
      run: async () => {
        runs++;
        if (runs === 1) throw new Error('database unavailable');
      },
    });
    await sleep(120);
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.fields.job).toBe('flaky');
    expect((warnings[0]?.fields.err as Error).message).toBe('database unavailable');
  });

  it('stop waits for the run in progress, aborts its signal and schedules nothing more', async () => {
    let finished = false;
    let sawAbort = false;
    let runs = 0;
    const { logger, warnings } = recordingLogger();
    const job = startPeriodicJob({
      name: 'drain',
      intervalMs: 5,
      initialDelayMs: 0,
      logger,
      run: async (signal) => {
        runs++;
        await sleep(60);
        sawAbort = signal.aborted;
        finished = true;
      },
    });
    await sleep(15);
    expect(runs).toBe(1);
    await job.stop();
    expect(finished).toBe(true);
    expect(sawAbort).toBe(true);
    await sleep(50);
    expect(runs).toBe(1);
    expect(warnings).toHaveLength(0);
  });

  it('stop before the first run means it never runs', async () => {
    let runs = 0;
    const { logger } = recordingLogger();
    const job = startPeriodicJob({ name: 'never', intervalMs: 20, logger, run: async () => void runs++ });
    await job.stop();
    await sleep(60);
    expect(runs).toBe(0);
  });

  it('spreads runs with jitter: pauses vary between interval and interval + jitter', async () => {
    const starts: number[] = [];
    const { logger } = recordingLogger();
    start({ name: 'jitter', intervalMs: 5, jitterMs: 30, logger, run: async () => void starts.push(performance.now()) });
    await sleep(400);
    const gaps = starts.slice(1).map((t, i) => t - (starts[i] ?? 0));
    expect(gaps.length).toBeGreaterThanOrEqual(4);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(4);
    expect(Math.max(...gaps) - Math.min(...gaps)).toBeGreaterThan(3);
  });

  it('refuses a zero or negative interval', () => {
    const { logger } = recordingLogger();
    expect(() => startPeriodicJob({ name: 'bad', intervalMs: 0, logger, run: async () => undefined })).toThrow(RangeError);
  });

  it('never keeps the process alive: a process with only a job running exits by itself', () => {
    const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
    const script = `import { startPeriodicJob } from ${JSON.stringify(entry)};
      startPeriodicJob({ name: 'idle', intervalMs: 60000, logger: console, run: async () => undefined });`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      timeout: 20_000,
      encoding: 'utf8',
    });
    expect(child.error).toBeUndefined();
    expect(child.status).toBe(0);
  });
});
