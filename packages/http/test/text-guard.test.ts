import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Type } from '@sinclair/typebox';
import { createApp, type App } from '@rail/http';
import { createLogger } from '@rail/logger';
import { findNul } from '../src/text-guard.js';

let app: App;
const seen: unknown[] = [];

beforeAll(async () => {
  app = await createApp({ service: 'demo', apiPrefix: '/api/demo', logger: createLogger({ service: 'demo', level: 'silent' }) });
  app.post(
    '/api/demo/people',
    { schema: { body: Type.Object({ name: Type.String(), tags: Type.Optional(Type.Array(Type.String())) }) } },
    async (request, reply) => {
      seen.push(request.body);
      return reply.status(201).send(request.body);
    },
  );
  app.get('/api/demo/search', { schema: { querystring: Type.Object({ q: Type.String() }) } }, async (request) => ({
    q: request.query.q,
  }));
  app.get('/api/demo/people/:id', async (request) => ({ id: (request.params as { id: string }).id }));
  await app.ready();
});
afterAll(() => app.close());

const post = (payload: string) =>
  app.inject({ method: 'POST', url: '/api/demo/people', headers: { 'content-type': 'application/json' }, payload });

describe('NUL characters are refused with 400 INVALID_TEXT before the handler runs', () => {
  it.each([
    ['a value', '{"name":"Ra\\u0000him"}', 'body.name'],
    ['an array element', '{"name":"Rahim","tags":["ok","\\u0000"]}', 'body.tags.1'],
    ['a key', '{"name":"Rahim","\\u0000x":1}', 'body'],
  ])('in %s', async (_what, payload, where) => {
    const before = seen.length;
    const res = await post(payload);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'INVALID_TEXT', detail: `${where} contains a NUL character (U+0000)` });
    expect(seen.length).toBe(before);
  });

  it('in the query string and the path', async () => {
    for (const url of ['/api/demo/search?q=a%00b', '/api/demo/people/1%00']) {
      const res = await app.inject(url);
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('INVALID_TEXT');
    }
  });

  it('lets through text that only looks like one (an escaped backslash before u0000) and ordinary text', async () => {
    const res = await post('{"name":"C:\\\\u0000dir"}');
    expect(res.statusCode).toBe(201);
    expect(res.json().name).toBe('C:\\u0000dir');
    expect((await post('{"name":"রহিম"}')).statusCode).toBe(201);
    expect((await app.inject('/api/demo/search?q=%E0%A6%B0')).json()).toEqual({ q: 'র' });
  });

  it('keeps the default parser: bad JSON is a 400 and prototype poisoning is refused', async () => {
    expect((await post('{"name":')).statusCode).toBe(400);
    expect((await post('{"name":"x","__proto__":{"admin":true}}')).statusCode).toBe(400);
  });
});

describe('findNul', () => {
  it('names the first string holding U+0000, or null', () => {
    expect(findNul({ a: [1, { b: 'x\u0000' }] })).toBe('body.a.1.b');
    expect(findNul({ a: ['x'], n: null, k: 3 })).toBeNull();
  });
});
