/**
 * Guards the send endpoints: they are internal-facing (other services call them; the gateway also routes
 * /api/notifications, so a browser could reach them) and require the shared INTERNAL_API_TOKEN in
 * `x-internal-token`. Compared in constant time over fixed-length digests.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { UnauthorizedError } from '@rail/errors';

export const INTERNAL_TOKEN_HEADER = 'x-internal-token';

export function internalTokenGuard(expected: string): (request: FastifyRequest) => Promise<void> {
  const expectedDigest = createHash('sha256').update(expected).digest();
  return async (request) => {
    const given = request.headers[INTERNAL_TOKEN_HEADER];
    if (typeof given !== 'string' || given.length === 0) {
      throw new UnauthorizedError(`Send the internal service token in ${INTERNAL_TOKEN_HEADER}`, 'INTERNAL_TOKEN_MISSING');
    }
    if (!timingSafeEqual(createHash('sha256').update(given).digest(), expectedDigest)) {
      throw new UnauthorizedError('The internal service token is not valid', 'INTERNAL_TOKEN_INVALID');
    }
  };
}
