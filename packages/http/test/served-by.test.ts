import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import { createApp, type App } from '@rail/http';
import { createLogger } from '@rail/logger';

let app: App;
let port: number;

beforeAll(async () => {
  app = await createApp({ service: 'demo', apiPrefix: '/api/demo', logger: createLogger({ service: 'demo', level: 'silent' }) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as AddressInfo).port;
});

afterAll(() => app.close());

describe('X-Served-By', () => {
  it('names the service, host and port of the instance that answered', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/health/live`);
    expect(res.headers.get('x-served-by')).toBe(`demo@${hostname()}:${port}`);
  });

  it('is on error responses too, so a failing replica can be told apart', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/demo/nope`);
    expect(res.status).toBe(404);
    expect(res.headers.get('x-served-by')).toBe(`demo@${hostname()}:${port}`);
  });
});
