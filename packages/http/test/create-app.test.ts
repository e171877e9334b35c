import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Type } from '@sinclair/typebox';
import { createApp, problemResponses, type App } from '@rail/http';
import { ConflictError } from '@rail/errors';
import { createLogger } from '@rail/logger';

let app: App;
let dependencyUp = true;

beforeAll(async () => {
  app = await createApp({
    service: 'demo',
    apiPrefix: '/api/demo',
    logger: createLogger({ service: 'demo', level: 'silent' }),
    readiness: { store: async () => (dependencyUp ? undefined : Promise.reject(new Error('connection refused'))) },
    pools: { main: { totalCount: 7, idleCount: 5, waitingCount: 1 } },
  });
  app.post(
    '/api/demo/things',
    {
      schema: {
        body: Type.Object({ name: Type.String({ minLength: 2 }), count: Type.Integer({ minimum: 1, maximum: 4 }) }),
        response: { 201: Type.Object({ name: Type.String(), count: Type.Integer() }), ...problemResponses(400, 409) },
      },
    },
    async (request, reply) => {
      if (request.body.name === 'taken') throw new ConflictError('THING_TAKEN', 'That thing is taken', { names: ['taken'] });
      return reply.status(201).send(request.body);
    },
  );
  app.get('/api/demo/db-down', async () => {
    throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  });
  app.get('/api/demo/boom', async () => {
    throw new Error('secret connection string postgres://u:p@h/db');
  });
  await app.ready();
});

afterAll(() => app.close());

describe('createApp', () => {
  it('validates the body and names every offending field', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/demo/things', payload: { name: 'x', count: 9 } });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const body = res.json();
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.count', 'body.name']);
    expect(body.requestId).toBe(res.headers['x-request-id']);
  });

  it('reports a missing required field by name', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/demo/things', payload: { name: 'abc' } });
    expect(res.json().errors).toEqual([{ field: 'body.count', message: 'is required' }]);
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/demo/things',
      headers: { 'content-type': 'application/json' },
      payload: '{"name":',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().status).toBe(400);
  });

  it('maps domain errors with their extensions', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/demo/things', payload: { name: 'taken', count: 1 } });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'THING_TAKEN', names: ['taken'] });
  });

  it('hides internals of unexpected errors', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/demo/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('postgres://');
    expect(res.json().code).toBe('INTERNAL');
  });

  it('answers 503 with Retry-After when a backing store is unreachable', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/demo/db-down' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('2');
    expect(res.json().code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(res.body).not.toContain('5432');
  });

  it('answers unknown routes with a 404 problem', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/demo/nope?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND', status: 404 });
  });

  it('passes a well-formed request id through and replaces a malformed one', async () => {
    const good = await app.inject({ method: 'GET', url: '/health/live', headers: { 'x-request-id': 'abc-123' } });
    expect(good.headers['x-request-id']).toBe('abc-123');
    const bad = await app.inject({ method: 'GET', url: '/health/live', headers: { 'x-request-id': 'a b<script>' } });
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reports readiness from its dependencies', async () => {
    expect((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
    dependencyUp = false;
    const down = await app.inject({ method: 'GET', url: '/health/ready' });
    dependencyUp = true;
    expect(down.statusCode).toBe(503);
    expect(down.json().checks.store).toContain('connection refused');
  });

  it('exposes per-route metrics', async () => {
    await app.inject({ method: 'POST', url: '/api/demo/things', payload: { name: 'abc', count: 2 } });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.body).toMatch(
      /http_requests_total\{method="POST",route="\/api\/demo\/things",status_code="201",service="demo"\} \d+/,
    );
    expect(res.body).toContain('http_request_duration_seconds_bucket');
    expect(res.body).toContain('nodejs_eventloop_lag');
    expect(res.body).toContain('db_pool_connections{pool="main",state="total",service="demo"} 7');
    expect(res.body).toContain('db_pool_connections{pool="main",state="waiting",service="demo"} 1');
  });

  it('serves an OpenAPI document built from the route schemas', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/demo/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.json().paths['/api/demo/things'].post).toBeDefined();
  });
});
