/**
 * Maps "the database cannot be reached" to 503 with Retry-After instead of a 500: the request was fine and
 * is worth retrying, and load balancers and clients treat the two differently. Everything else goes on to
 * the shared problem+json handler unchanged.
 */
import { ServiceUnavailableError } from '@rail/errors';
import type { App } from '@rail/http';

// Connection failures (Node), PostgreSQL admin shutdown / cannot connect / too many connections, connection exceptions.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '08000',
  '08001',
  '08003',
  '08006',
]);
const UNAVAILABLE_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error/i;

export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) || UNAVAILABLE_MESSAGES.test(error.message);
}

/** Installs the mapping for the routes of `app` (an encapsulated plugin), delegating to the inherited handler. */
export function mapDependencyErrors(app: App): void {
  const inherited = app.errorHandler;
  app.setErrorHandler(function (error, request, reply) {
    if (isDatabaseUnavailable(error)) {
      request.log.error({ err: error }, 'database unavailable');
      return inherited.call(
        this,
        new ServiceUnavailableError('The service is temporarily unavailable; try again shortly', 2, 'DATABASE_UNAVAILABLE'),
        request,
        reply,
      );
    }
    return inherited.call(this, error, request, reply);
  });
}
