/**
 * @rail/queue-pass: what a service needs to put a sale's hot endpoints behind the waiting room. Signed passes
 * (sign in the queue service, verify locally anywhere), the background watcher of active rooms, the 403
 * QUEUE_REQUIRED error and the config entries (QUEUE_PASS_SECRET with a development default, QUEUE_SERVICE_URL).
 *
 * Use on a hot endpoint of trip date D:
 *   if (watcher.isActive(D)) { const r = verifyPass(keys, header, { userId, sale: D, nowMs: Date.now() });
 *                              if (!r.ok) throw queueRequired(D); }
 * A pass ended early (bought, left) is recorded by the queue service in Redis; the local check cannot see that
 * at once, so an ended pass keeps working until its expiry (at most QUEUE_PASS_TTL_SECONDS): the room's
 * admission counts it as ended at once, so the only cost is that one person may keep shopping a few minutes
 * longer. docs/waiting-room.md, "Passes".
 */
import { devDefault, devSecret, Type } from '@rail/config';
import { ForbiddenError } from '@rail/errors';

export * from './pass.js';
export * from './room-watcher.js';
export * from './sale-date.js';
export { ACTIVE_ROOMS_PATH, QUEUE_PASS_HEADER } from '@rail/contracts/queue';

/**
 * The development key set: public (it is in the repository), the same in every process so a native run needs no
 * shared variable, and refused in production by @rail/config's devSecret.
 */
export const DEV_QUEUE_PASS_SECRET = 'dev:development-only-queue-pass-secret-not-for-production';

/** Config entries for services that sign or verify passes; spread into the service's config schema. */
export const queuePassConfigProperties = {
  QUEUE_PASS_SECRET: devSecret(Type.String({ minLength: 34 }), DEV_QUEUE_PASS_SECRET),
  QUEUE_SERVICE_URL: devDefault(Type.String({ minLength: 1 }), 'http://127.0.0.1:3006'),
};

/** The 403 for a hot endpoint of a sale whose room is active, without a valid pass. */
export function queueRequired(date: string): ForbiddenError {
  return new ForbiddenError(`Sales of ${date} go through the waiting room: join it to get a pass`, 'QUEUE_REQUIRED', {
    queue: `/api/queue/sales/${date}`,
    date,
  });
}
