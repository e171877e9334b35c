/**
 * The public OpenAPI document (served under the API prefix, reachable through the gateway) lists only
 * public routes: service-to-service routes under /internal and routes tagged 'internal' stay out of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Type } from '@sinclair/typebox';
import { createApp, type App } from '@rail/http';
import { createLogger } from '@rail/logger';

let app: App;
beforeAll(async () => {
  app = await createApp({ service: 'demo', apiPrefix: '/api/demo', logger: createLogger({ service: 'demo', level: 'silent' }) });
  const reply = { response: { 200: Type.Object({ ok: Type.Boolean() }) } };
  app.get('/api/demo/public', { schema: { tags: ['things'], ...reply } }, async () => ({ ok: true }));
  app.get('/internal/trips/:id/inventory', { schema: reply }, async () => ({ ok: true }));
  app.post('/api/demo/send-otp', { schema: { tags: ['internal'], ...reply } }, async () => ({ ok: true }));
  await app.ready();
});
afterAll(() => app.close());

describe('the public OpenAPI document', () => {
  it('lists the public routes and no internal one', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/demo/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json().paths)).toEqual(['/api/demo/public']);
  });

  it('still serves the hidden routes (hiding is documentation only)', async () => {
    expect((await app.inject({ method: 'GET', url: '/internal/trips/1/inventory' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/api/demo/send-otp' })).statusCode).toBe(200);
  });
});
