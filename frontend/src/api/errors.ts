/** The one error type the API client throws: a parsed problem+json body, or a network failure (status 0). */
import type { Problem } from './types.js';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problem: Problem;
  /** Seconds the server asked us to wait (Retry-After), when it said. */
  readonly retryAfter: number | undefined;

  constructor(problem: Problem, retryAfter?: number) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
    this.status = problem.status;
    this.code = problem.code ?? `HTTP_${problem.status}`;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }

  /**
   * The fields the server named, by their name in the form (`body.phone` -> `phone`, `body.passengers.0.name` ->
   * `passengers.0.name`; JSON pointers such as `/body/phone` too), each with the server's English message. The
   * message is for deciding (e.g. "is required"), never for display: lib/errors.ts words each field.
   */
  get fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) {
      const name = e.field
        .replace(/^\//, '')
        .replace(/\//g, '.')
        .replace(/^(body|query|params|token)\./, '');
      out[name] ??= e.message;
    }
    return out;
  }

  /** OTP_INVALID: wrong codes the booking still accepts before its hold is released. */
  get attemptsLeft(): number | undefined {
    return typeof this.problem.attemptsLeft === 'number' ? this.problem.attemptsLeft : undefined;
  }

  /** INVALID_TRANSITION, BOOKING_NOT_HELD: the booking's status now. */
  get bookingStatus(): string | undefined {
    return typeof this.problem.bookingStatus === 'string' ? this.problem.bookingStatus : undefined;
  }

  /** NOT_ENOUGH_SEATS: how many seats of the class are free (take that many instead). */
  get seatsLeft(): number | undefined {
    return typeof this.problem.seatsLeft === 'number' ? this.problem.seatsLeft : undefined;
  }

  /**
   * The waiting room stands in front of this request: a 403 QUEUE_REQUIRED, or the 401 an anonymous seat map of a
   * guarded sale gets (it names the room too: a pass goes with a sign-in).
   */
  get needsQueue(): boolean {
    if (this.status === 403 && this.code === 'QUEUE_REQUIRED') return true;
    return this.status === 401 && typeof this.problem.queue === 'string' && this.queueDate !== undefined;
  }

  /** QUEUE_REQUIRED (or a guarded seat map's 401): the sale date whose waiting room to join. */
  get queueDate(): string | undefined {
    return typeof this.problem.date === 'string' ? this.problem.date : undefined;
  }

  get seatIds(): number[] {
    return Array.isArray(this.problem.seatIds) ? this.problem.seatIds : [];
  }
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;

/** Parse a Retry-After header (delta-seconds or an HTTP date) into whole seconds, or undefined. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}
