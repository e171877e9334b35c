/**
 * Building an app and starting it uses no deprecated Fastify option or API: no FastifyDeprecation
 * warning (FSTDEP…) is emitted, which every service would otherwise print at start-up.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '@rail/http';
import { createLogger } from '@rail/logger';

describe('Fastify deprecations', () => {
  let app: App | undefined;
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  afterEach(async () => {
    process.off('warning', onWarning);
    await app?.close();
  });

  it('building the app and listening emits no FastifyDeprecation warning', async () => {
    process.on('warning', onWarning);
    app = await createApp({
      service: 'demo',
      apiPrefix: '/api/demo',
      logger: createLogger({ service: 'demo', level: 'silent' }),
    });
    app.get('/api/demo/ping', async () => ({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const res = await fetch(`http://127.0.0.1:${port}/api/demo/ping`);
    expect(res.status).toBe(200);
    // process.emitWarning delivers 'warning' on a later tick.
    await new Promise((resolve) => setImmediate(resolve));
    expect(
      warnings.filter((w) => w.name === 'FastifyDeprecation').map((w) => `${(w as { code?: string }).code}: ${w.message}`),
    ).toEqual([]);
  });
});
