// The second baseline of the select benchmark: one hello-world route on our own app factory (`createApp` from
// @rail/http: the same Fastify options, hooks, access log, metrics, validation and error handling every service
// gets), served by `runServer` like a service. Compared with the bare node:http hello-world, it shows what the
// house conventions cost per request before any business logic runs.
// Run (the bench does this): PORT=... LOG_LEVEL=warn node --conditions=@rail/source --import tsx load-testing/bench/app-hello.mjs
import { Type } from '@sinclair/typebox';
import { createApp, runServer } from '@rail/http';
import { createLogger } from '@rail/logger';

const logger = createLogger({ service: 'bench-hello', level: process.env.LOG_LEVEL ?? 'info' });
const app = await createApp({ service: 'bench-hello', logger, apiPrefix: '/api/hello' });
const Hello = Type.Object({ ok: Type.Boolean() });
app.get('/api/hello', { schema: { response: { 200: Hello } } }, async () => ({ ok: true }));
await runServer(app, { port: Number(process.env.PORT ?? 0), host: '127.0.0.1', shutdownTimeoutMs: 2000 });
