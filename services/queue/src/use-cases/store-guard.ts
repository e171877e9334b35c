/**
 * The room's store (Redis) unreachable is a 503 QUEUE_UNAVAILABLE with Retry-After: joins, check-ins and
 * admissions pause; passes already issued keep working (booking and train verify them locally).
 */
import { ServiceUnavailableError } from '@rail/errors';
import { isDependencyUnavailable } from '@rail/http';

export const QUEUE_RETRY_AFTER_SECONDS = 5;

export async function guardStore<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (!isDependencyUnavailable(err)) throw err;
    const error = new ServiceUnavailableError(
      'The waiting room is unavailable; keep this page open and try again shortly',
      QUEUE_RETRY_AFTER_SECONDS,
      'QUEUE_UNAVAILABLE',
    );
    throw Object.assign(error, { cause: err });
  }
}
