/**
 * The waiting room's check in front of a sale's seat maps: while the room of the trip's date is active, a map goes
 * only to a signed-in user holding a pass for that date (QUEUE_REQUIRED otherwise). The pass is verified locally
 * with the shared keys, like an access token: no call to the queue service per request.
 */
import { AppError } from '@rail/errors';
import { queueRequired, saleDateOf, verifyPass } from '@rail/queue-pass';
import type { UseCaseDeps } from '../deps.js';
import { requireTrip } from './get-trip.js';

/** The sale date of a trip whose room is active now, or null when its maps are open to anyone (404 for no trip). */
export async function guardedSaleOf(deps: Pick<UseCaseDeps, 'catalog' | 'waitingRoom'>, tripId: number): Promise<string | null> {
  const date = saleDateOf((await requireTrip(deps, tripId)).stops);
  return deps.waitingRoom.rooms.isActive(date) ? date : null;
}

/**
 * The 401 to a request without an access token for a guarded map: a pass is bound to a user, so sign in first. It
 * names the sale's room like QUEUE_REQUIRED does, so a client can send the traveller there once signed in.
 */
export function signInRequired(date: string): AppError {
  return new AppError(401, 'TOKEN_MISSING', `Sales of ${date} go through the waiting room: sign in and join it`, {
    extensions: { queue: `/api/queue/sales/${date}`, date },
  });
}

export interface SalePassInput {
  date: string;
  userId: string;
  /** The X-Queue-Pass header as it came (absent, or repeated, is no pass). */
  pass: string | string[] | undefined;
}

/** Throws 403 QUEUE_REQUIRED unless `pass` is a live pass of this user for this sale. */
export function checkSalePass(deps: Pick<UseCaseDeps, 'waitingRoom' | 'now'>, input: SalePassInput): void {
  const { date, userId, pass } = input;
  if (typeof pass !== 'string') throw queueRequired(date);
  const verdict = verifyPass(deps.waitingRoom.passKeys, pass, { userId, sale: date, nowMs: deps.now().getTime() });
  if (!verdict.ok) throw queueRequired(date);
}
