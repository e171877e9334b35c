/**
 * Recognises "a backing store cannot be reached" (PostgreSQL, Redis, a socket) so the shared error handler
 * answers 503 with Retry-After instead of 500: the request was fine and is worth retrying, and clients and
 * load balancers treat the two differently.
 */

// Node socket failures; PostgreSQL admin shutdown, cannot connect now, too many connections, connection exceptions.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
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
  /timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error|Connection is closed|Command timed out|Stream isn't writeable|Reached the max retries per request/i;

export function isDependencyUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  const code = (error as { code?: unknown }).code;
  return (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) || UNAVAILABLE_MESSAGES.test(error.message);
}
