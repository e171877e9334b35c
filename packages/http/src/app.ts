/** Builds a Fastify app with the house conventions; see index.ts. */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type RawServerDefault,
} from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError, toProblem, type FieldIssue } from '@rail/errors';
import type { Logger } from '@rail/logger';
import { registerMetrics, type PoolStats } from './metrics.js';
import { isDependencyUnavailable } from './dependency-errors.js';
import { registerOverloadShedding, type OverloadOptions } from './overload.js';
import { lazyRequestLogger } from './lazy-request-logger.js';
import { registerTextGuard } from './text-guard.js';
import { Counter, Registry } from 'prom-client';

export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

/** A readiness check resolves when the dependency answers and rejects otherwise. */
export type ReadinessCheck = () => Promise<unknown>;

export interface CreateAppOptions {
  service: string;
  logger: Logger;
  /** Checks of the service's own dependencies, by name, run by `/health/ready`. */
  readiness?: Record<string, ReadinessCheck>;
  /** Path prefix of the service's public API, e.g. `/api/trains`; the OpenAPI document is served under it. */
  apiPrefix: string;
  version?: string;
  description?: string;
  bodyLimit?: number;
  /** Proxy addresses whose X-Forwarded-For is believed (the gateway). */
  trustProxy?: boolean | string | string[];
  /** Registry for this app's metrics; a fresh one by default so apps in one test process never clash. */
  metricsRegistry?: Registry;
  /** Connection pools to expose as `db_pool_connections{pool,state}` (total, idle, waiting), e.g. `{ main: pgPool }`. */
  pools?: Record<string, PoolStats>;
  /** Load shedding by event-loop delay (see overload.ts); off when absent, as in most tests. */
  overload?: OverloadOptions;
}

declare module 'fastify' {
  interface FastifyInstance {
    metricsRegistry: Registry;
    /** Set when shutdown has begun: readiness fails so load balancers stop sending work. */
    isClosing: () => boolean;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const VALIDATION_CONTEXT: Record<string, string> = { querystring: 'query', body: 'body', params: 'params', headers: 'headers' };

interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

function fieldIssues(context: string | undefined, validation: AjvIssue[]): FieldIssue[] {
  const prefix = VALIDATION_CONTEXT[context ?? ''] ?? context ?? 'request';
  const seen = new Set<string>();
  const issues: FieldIssue[] = [];
  for (const v of validation) {
    const segments = v.instancePath.split('/').filter(Boolean);
    if (v.keyword === 'required' && typeof v.params.missingProperty === 'string') segments.push(v.params.missingProperty);
    if (v.keyword === 'additionalProperties' && typeof v.params.additionalProperty === 'string') {
      segments.push(v.params.additionalProperty);
    }
    const field = [prefix, ...segments].join('.');
    const message =
      v.keyword === 'required'
        ? 'is required'
        : v.keyword === 'additionalProperties'
          ? 'is not allowed'
          : (v.message ?? 'is invalid');
    const key = `${field}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ field, message });
  }
  return issues;
}

export async function createApp(options: CreateAppOptions): Promise<App> {
  let closing = false;
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    trustProxy: options.trustProxy ?? ['127.0.0.1', '::1'],
    requestIdHeader: false,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    // Log lines carry `requestId`. One access-log line per request (below) instead of Fastify's two: half the
    // logging cost on the hot path. (Through logController: the top-level options are deprecated, FSTDEP023/024.)
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
    return503OnClosing: true,
    ajv: { customOptions: { allErrors: true, coerceTypes: 'array', useDefaults: true, removeAdditional: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // request.log made only when a line is written (most requests write none): lazy-request-logger.ts.
  app.setChildLoggerFactory(lazyRequestLogger);

  app.decorate('isClosing', () => closing);
  app.addHook('onClose', async () => {
    closing = true;
  });
  app.addHook('preClose', async () => {
    closing = true;
  });

  // Which instance answered (service@host:port): lets tests and operators see load spread over replicas.
  // The gateway hides it from clients unless its exposeServedBy setting is on (development and tests).
  const host = hostname();
  app.addHook('onResponse', async (request, reply) => {
    const url = request.url;
    const entry = { method: request.method, url, statusCode: reply.statusCode, responseTime: reply.elapsedTime, ip: request.ip };
    if (url === '/metrics' || url.startsWith('/health/')) request.log.debug(entry, 'request completed');
    else request.log.info(entry, 'request completed');
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    const port = request.socket.localPort;
    if (port !== undefined) reply.header('x-served-by', `${options.service}@${host}:${port}`);
  });

  registerTextGuard(app);

  const registry = options.metricsRegistry ?? new Registry();
  registerMetrics(app, registry, options.service, options.pools ?? {});

  if (options.overload && options.overload.maxEventLoopDelayMs > 0) {
    const shed = new Counter({
      name: 'http_requests_shed_total',
      help: 'Requests refused with 429 SERVICE_BUSY because the event loop was overloaded, by route and class',
      labelNames: ['route', 'class'] as const,
      registers: [registry],
    });
    const onShed = options.overload.onShed;
    await registerOverloadShedding(app, {
      ...options.overload,
      onShed: (request, overloadClass) => {
        shed.inc({ route: request.routeOptions.url ?? 'unmatched', class: overloadClass });
        onShed?.(request, overloadClass);
      },
    });
  }

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: `${options.service} API`, version: options.version ?? '1.0.0', description: options.description ?? '' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
    },
    // The document is public (served under the API prefix): it lists only routes the gateway routes to
    // clients, never /internal/* (service-to-service) nor routes tagged 'internal' (e.g. notification's send-*).
    transform: ({ schema, url }) => {
      const internal = !url.startsWith(options.apiPrefix) || (schema?.tags ?? []).includes('internal');
      return { schema: internal ? { ...schema, hide: true } : schema, url };
    },
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    let problemSource: unknown = error;
    if (error.validation) {
      problemSource = new AppError(400, 'VALIDATION_FAILED', 'The request is invalid', {
        detail: 'One or more fields are invalid; see errors.',
        errors: fieldIssues(error.validationContext, error.validation as AjvIssue[]),
      });
    } else if (!(error instanceof AppError) && isDependencyUnavailable(error)) {
      request.log.error({ err: error }, 'a backing service is unavailable');
      problemSource = new AppError(503, 'DEPENDENCY_UNAVAILABLE', 'The service is temporarily unavailable; try again shortly', {
        retryAfter: 2,
      });
    } else if (
      !(error instanceof AppError) &&
      typeof error.statusCode === 'number' &&
      error.statusCode >= 400 &&
      error.statusCode < 500
    ) {
      // Fastify's own client errors (bad JSON, wrong content type, body too large): safe to describe.
      problemSource = new AppError(error.statusCode, (error.code ?? 'BAD_REQUEST').replace(/^FST_ERR_/, ''), error.message);
    }
    const problem = toProblem(problemSource, request.id);
    if (problem.status >= 500 && problem.status !== 503) request.log.error({ err: error }, 'request failed');
    if (problemSource instanceof AppError && problemSource.retryAfter !== undefined) {
      reply.header('retry-after', String(Math.max(1, Math.ceil(problemSource.retryAfter))));
    }
    return reply.status(problem.status).type('application/problem+json').send(problem);
  });

  app.setNotFoundHandler((request, reply) => {
    const problem = toProblem(
      new AppError(404, 'ROUTE_NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0] ?? ''}`),
      request.id,
    );
    return reply.status(404).type('application/problem+json').send(problem);
  });

  app.get('/health/live', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/health/ready', { schema: { hide: true } }, async (_request, reply) => {
    const checks: Record<string, string> = {};
    let ok = !closing;
    if (closing) checks.server = 'shutting down';
    await Promise.all(
      Object.entries(options.readiness ?? {}).map(async ([name, check]) => {
        try {
          await Promise.race([
            check(),
            new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), 2000).unref()),
          ]);
          checks[name] = 'ok';
        } catch (err) {
          ok = false;
          checks[name] = `unavailable: ${err instanceof Error ? err.message : String(err)}`;
        }
      }),
    );
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'unavailable', checks });
  });

  app.get(`${options.apiPrefix}/openapi.json`, { schema: { hide: true } }, async () => app.swagger());

  return app;
}
