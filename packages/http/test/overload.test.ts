import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, retryAfterSeconds, shouldShed, type App } from '@rail/http';
import { createLogger } from '@rail/logger';

describe('shouldShed', () => {
  it('refuses new work above the threshold and finishing work only above the factor', () => {
    expect(shouldShed('new', 99, 100)).toBe(false);
    expect(shouldShed('new', 101, 100)).toBe(true);
    expect(shouldShed('finish', 150, 100)).toBe(false);
    expect(shouldShed('finish', 201, 100)).toBe(true);
    expect(shouldShed('finish', 290, 100, 3)).toBe(false);
    expect(shouldShed('never', 1e9, 100)).toBe(false);
    expect(shouldShed('new', 1e9, 0)).toBe(false);
  });
});

describe('retryAfterSeconds', () => {
  it('grows with the delay, carries up to one second of jitter and is capped', () => {
    expect(retryAfterSeconds(50, 100, 10, () => 0)).toBe(1);
    expect(retryAfterSeconds(350, 100, 10, () => 0)).toBe(4);
    expect(retryAfterSeconds(350, 100, 10, () => 0.99)).toBe(5);
    expect(retryAfterSeconds(1e6, 100, 10, () => 0.99)).toBe(10);
  });
});

/** Keeps the event loop late: busy for `ms`, in slices, yielding to the loop between them. */
async function overloadFor(ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const slice = Date.now() + 150;
    while (Date.now() < slice) {
      /* busy: the event loop is late by the slice */
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('load shedding in createApp (a real event loop made late)', () => {
  let app: App;
  const shedClasses: string[] = [];

  beforeAll(async () => {
    app = await createApp({
      service: 'demo',
      apiPrefix: '/api/demo',
      logger: createLogger({ service: 'demo', level: 'silent' }),
      overload: { maxEventLoopDelayMs: 40, sampleIntervalMs: 20, finishFactor: 1000, onShed: (_r, c) => shedClasses.push(c) },
    });
    app.get('/api/demo/search', async () => ({ ok: true }));
    app.post('/api/demo/pay', { config: { overload: 'finish' } }, async () => ({ paid: true }));
    app.get('/internal/things/:id', async () => ({ internal: true }));
    await app.ready();
  });

  afterAll(() => app.close());

  it('answers normally while the loop is on time', async () => {
    // On a machine busy with other tests the loop may be late by itself for a moment: wait for a calm sample.
    let status = 0;
    for (let i = 0; i < 60 && status !== 200; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = (await app.inject('/api/demo/search')).statusCode;
    }
    expect(status).toBe(200);
  });

  it('refuses new work with 429 SERVICE_BUSY and Retry-After, lets finishing, internal and health requests through, and counts it', async () => {
    const answers: Record<string, number[]> = { search: [], pay: [], internal: [], health: [] };
    let busy: { status: number; retryAfter?: string; code?: string } | undefined;
    const until = Date.now() + 1500;
    while (Date.now() < until && busy === undefined) {
      await overloadFor(150);
      const [search, pay, internal, health] = await Promise.all([
        app.inject('/api/demo/search'),
        app.inject({ method: 'POST', url: '/api/demo/pay' }),
        app.inject('/internal/things/1'),
        app.inject('/health/live'),
      ]);
      answers.search!.push(search.statusCode);
      answers.pay!.push(pay.statusCode);
      answers.internal!.push(internal.statusCode);
      answers.health!.push(health.statusCode);
      if (search.statusCode === 429) {
        busy = { status: 429, retryAfter: search.headers['retry-after'] as string, code: search.json().code };
        expect(search.headers['content-type']).toContain('application/problem+json');
      }
    }
    expect(busy).toBeDefined();
    expect(busy!.code).toBe('SERVICE_BUSY');
    expect(Number(busy!.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(busy!.retryAfter)).toBeLessThanOrEqual(10);
    expect(new Set(answers.pay)).toEqual(new Set([200]));
    expect(new Set(answers.internal)).toEqual(new Set([200]));
    expect(new Set(answers.health)).toEqual(new Set([200]));
    expect(shedClasses).toContain('new');
    expect(shedClasses).not.toContain('finish');

    const metrics = await app.inject('/metrics');
    expect(metrics.body).toMatch(/http_requests_shed_total\{[^}]*route="\/api\/demo\/search"[^}]*class="new"[^}]*\} [1-9]/);
  });

  it('serves new work again once the loop has caught up', async () => {
    let status = 0;
    for (let i = 0; i < 60 && status !== 200; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = (await app.inject('/api/demo/search')).statusCode;
    }
    expect(status).toBe(200);
  });
});
