/**
 * The hooks on a real app (the shared createApp, so the shared error handler maps the refusals) with the Redis
 * store: one run per key, replay marked, bad key 400, reuse 422, a slow first request 409 + Retry-After, 4xx
 * answers replayed, 5xx released for a retry, requests without a key or owner left alone.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@rail/errors';
import { createApp, type App } from '@rail/http';
import { createLogger } from '@rail/logger';
import { createRedis, type Redis } from '@rail/redis';
import { idempotencyHooks, IdempotencyKeyHeaders, redisIdempotencyStore } from '@rail/idempotency';

const prefix = `test:idem-http:${randomUUID()}:`;
let redis: Redis;
let app: App;
const runs = new Map<string, number>();

beforeAll(async () => {
  redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { name: 'idempotency-http-test' });
  app = await createApp({
    service: 'idem-test',
    logger: createLogger({ service: 'idem-test', level: 'silent' }),
    apiPrefix: '/api',
  });
  const hooks = idempotencyHooks({
    store: redisIdempotencyStore(redis, { prefix }),
    owner: (request) => (typeof request.headers['x-user'] === 'string' ? request.headers['x-user'] : undefined),
    waitMs: 200,
  });
  app.post<{ Body: { name: string; fail?: number; slowMs?: number } }>(
    '/things',
    { ...hooks, schema: { headers: IdempotencyKeyHeaders } },
    async (request, reply) => {
      const { name, fail, slowMs } = request.body;
      const n = (runs.get(name) ?? 0) + 1;
      runs.set(name, n);
      if (slowMs) await sleep(slowMs);
      if (fail === 409) throw new AppError(409, 'THING_TAKEN', `${name} is taken`);
      if (fail === 503 && n === 1) throw new AppError(503, 'BUSY', 'busy', { retryAfter: 1 });
      return reply.status(201).send({ name, run: n });
    },
  );
  await app.ready();
});

afterAll(async () => {
  await app.close();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

function post(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url: '/things', payload: body, headers: { 'x-user': 'u1', ...headers } });
}

describe('idempotencyHooks', () => {
  it('runs once per key and replays the first answer, marked, with its status and content type', async () => {
    const key = randomUUID();
    const first = await post({ name: 'a' }, { 'idempotency-key': key });
    const again = await post({ name: 'a' }, { 'idempotency-key': key });
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers['content-type']).toBe(first.headers['content-type']);
    expect(again.body).toBe(first.body);
    expect(runs.get('a')).toBe(1);
  });

  it('concurrent duplicates run once and all get the answer', async () => {
    const key = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => post({ name: 'b', slowMs: 50 }, { 'idempotency-key': key })),
    );
    expect(answers.map((r) => r.json())).toEqual(Array.from({ length: 4 }, () => ({ name: 'b', run: 1 })));
    expect(answers.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(3);
    expect(runs.get('b')).toBe(1);
  });

  it('refuses a malformed key with 400 IDEMPOTENCY_KEY_INVALID before anything runs', async () => {
    const res = await post({ name: 'c' }, { 'idempotency-key': 'has spaces in it' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_INVALID', errors: [{ field: 'headers.idempotency-key' }] });
    expect(runs.get('c')).toBeUndefined();
  });

  it('refuses the same key with another body: 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const key = randomUUID();
    await post({ name: 'd' }, { 'idempotency-key': key });
    const reused = await post({ name: 'd2' }, { 'idempotency-key': key });
    expect(reused.statusCode).toBe(422);
    expect(reused.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(runs.get('d2')).toBeUndefined();
  });

  it('answers 409 IDEMPOTENCY_REQUEST_IN_PROGRESS with Retry-After while the first is still running', async () => {
    const key = randomUUID();
    const first = post({ name: 'e', slowMs: 600 }, { 'idempotency-key': key });
    await sleep(50);
    const duplicate = await post({ name: 'e', slowMs: 600 }, { 'idempotency-key': key });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().code).toBe('IDEMPOTENCY_REQUEST_IN_PROGRESS');
    expect(duplicate.headers['retry-after']).toBe('1');
    expect((await first).statusCode).toBe(201);
    expect(runs.get('e')).toBe(1);
  });

  it('replays a 4xx answer as it was sent', async () => {
    const key = randomUUID();
    const first = await post({ name: 'f', fail: 409 }, { 'idempotency-key': key });
    const again = await post({ name: 'f', fail: 409 }, { 'idempotency-key': key });
    expect(first.statusCode).toBe(409);
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toContain('application/problem+json');
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().code).toBe('THING_TAKEN');
    expect(runs.get('f')).toBe(1);
  });

  it('does not keep a 5xx answer, so a retry with the same key runs again', async () => {
    const key = randomUUID();
    expect((await post({ name: 'g', fail: 503 }, { 'idempotency-key': key })).statusCode).toBe(503);
    const retry = await post({ name: 'g', fail: 503 }, { 'idempotency-key': key });
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toEqual({ name: 'g', run: 2 });
  });

  it('leaves alone a request without a key, or without an owner', async () => {
    await post({ name: 'h' });
    await post({ name: 'h' });
    const key = randomUUID();
    await app.inject({ method: 'POST', url: '/things', payload: { name: 'h' }, headers: { 'idempotency-key': key } });
    await app.inject({ method: 'POST', url: '/things', payload: { name: 'h' }, headers: { 'idempotency-key': key } });
    expect(runs.get('h')).toBe(4);
  });
});
