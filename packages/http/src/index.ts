/**
 * The HTTP app factory every service uses: Fastify with TypeBox schemas for params, query, body and
 * responses; one error handler that speaks RFC 9457 problem+json; request ids; liveness, readiness
 * and Prometheus metrics; an OpenAPI document; and graceful shutdown. Tests build the very same app
 * and drive it with `inject()`.
 */
export { createApp, type App, type CreateAppOptions, type ReadinessCheck } from './app.js';
export { overloadClassOf, retryAfterSeconds, shouldShed, type OverloadClass, type OverloadOptions } from './overload.js';
export { isDependencyUnavailable } from './dependency-errors.js';
export { runServer, type RunServerOptions } from './server.js';
export { ProblemSchema, problemResponses } from './schemas.js';
export type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
