/**
 * The real services behind the real gateway (startSystem): every route reaches its service, request ids
 * travel from the gateway into the service's own responses, /internal stays unreachable, requests spread
 * over the booking replicas, and a service that goes down is answered with a JSON 502.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICES } from '../topology.js';
import { clientAddress, send } from '../../gateway/test/support/http.js';
import { startSystem, type RunningSystem } from './support/system.js';

let system: RunningSystem;

beforeAll(async () => {
  system = await startSystem({ bookingReplicas: 2 });
}, 180_000);

afterAll(async () => {
  await system?.stop();
});

describe('every route reaches its service', () => {
  it.each(SERVICES.map((s) => [s.apiPrefix, s.name] as const))('%s is served by %s', async (prefix, name) => {
    const res = await send(`${system.url}${prefix}/openapi.json`, { headers: { 'x-forwarded-for': clientAddress() } });
    expect(res.status).toBe(200);
    expect(res.headers['x-served-by']).toMatch(new RegExp(`^${name}@`));
    expect(res.json<{ info: { title: string } }>().info.title).toContain(name);
  });
});

describe('through the gateway', () => {
  it('passes the request id into the service, whose problem body carries it', async () => {
    const res = await send(`${system.url}/api/bookings`, { headers: { 'x-forwarded-for': clientAddress() } });
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().requestId).toBe(res.headers['x-request-id']);
    const chosen = await send(`${system.url}/api/bookings`, { headers: { 'x-request-id': 'trace-me-42' } });
    expect(chosen.json().requestId).toBe('trace-me-42');
  });

  it('spreads requests over every booking replica', async () => {
    const replicas = system.instances.filter((i) => i.service === 'booking');
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const res = await send(`${system.url}/api/bookings/openapi.json`, { headers: { 'x-forwarded-for': clientAddress() } });
      seen.add(String(res.headers['x-served-by']).replace(/^.*:/, ''));
    }
    expect([...seen].sort()).toEqual(replicas.map((r) => String(r.port)).sort());
  });

  it('never routes /internal, even where the service has such endpoints', async () => {
    for (const spec of SERVICES) {
      const res = await send(`${system.url}/internal/health`, { headers: { 'x-forwarded-for': clientAddress() } });
      expect(res.status).toBe(404);
      const nested = await send(`${system.url}${spec.apiPrefix}/internal/x`);
      expect(nested.status).toBe(404);
      expect(nested.headers['x-served-by']).toBeUndefined();
    }
  });

  it('serves the catalogue search through the micro-cache', async () => {
    const url = `${system.url}/api/trains/stations`;
    const first = await send(url, { headers: { 'x-forwarded-for': clientAddress() } });
    expect(first.status).toBe(200);
    const second = await send(url, { headers: { 'x-forwarded-for': clientAddress() } });
    expect(second.headers['x-cache-status']).toBe('HIT');
    expect(second.body).toBe(first.body);
  });

  it('answers with a JSON 502 once a service is down', async () => {
    await system.stopService('notification');
    const res = await send(`${system.url}/api/notifications/inbox?to=a@b.c`, { headers: { 'x-forwarded-for': clientAddress() } });
    expect(res.status).toBe(502);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.json()).toMatchObject({ status: 502, code: 'UPSTREAM_UNAVAILABLE', requestId: res.headers['x-request-id'] });
    expect(res.headers['retry-after']).toBe('1');
  });
});
