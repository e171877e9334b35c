import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createApp } from '@rail/http';
import { createLogger } from '@rail/logger';

describe('access log', () => {
  it('writes one line per request with its id, status and time, and redacts secrets', async () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const app = await createApp({
      service: 'demo',
      apiPrefix: '/api/demo',
      logger: createLogger({ service: 'demo', destination }),
    });
    app.post('/api/demo/login', async (request) => {
      request.log.info({ body: request.body }, 'login attempt');
      return { ok: true };
    });
    await app.ready();
    const res = await app.inject({
      method: 'POST',
      url: '/api/demo/login',
      headers: { 'x-request-id': 'req-42' },
      payload: { email: 'a@b.c', password: 'hunter2' },
    });
    await app.close();
    expect(res.statusCode).toBe(200);
    const completed = lines.filter((l) => l.msg === 'request completed');
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({ requestId: 'req-42', service: 'demo', method: 'POST', statusCode: 200 });
    expect(typeof completed[0]?.responseTime).toBe('number');
    expect(lines.some((l) => l.msg === 'incoming request')).toBe(false);
    expect(JSON.stringify(lines)).not.toContain('hunter2');
  });
});
