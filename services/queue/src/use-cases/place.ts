/**
 * A user's place in a sale's room: join (idempotent: a second join answers the same place), the check-in
 * (GET .../me: one Lua script, one round trip, which also records the check-in) and leave. The place is keyed by
 * the account and, when the token has one, by its verified phone: a second account with the same phone is
 * refused (409 PHONE_ALREADY_QUEUED). The pass is signed again from its stored claims on every answer; HMAC is
 * deterministic, so the same place always shows the same pass.
 */
import type { PlaceResponse } from '@rail/contracts/queue';
import { ConflictError, NotFoundError } from '@rail/errors';
import { signPass } from '@rail/queue-pass';
import type { QueueDeps } from '../deps.js';
import { estimateWaitSeconds, pollAfterSeconds, preQueuePollSeconds } from '../domain/admission.js';
import { ruleOpensAtMs } from '../domain/sale-calendar.js';
import type { PlaceState } from '../redis/sale-store.js';
import { checkSaleDate } from './sale-date.js';
import { guardStore } from './store-guard.js';

export interface QueueUser {
  id: string;
  phone?: string;
}

function opensAtOf(deps: QueueDeps, date: string, state: PlaceState): number {
  return state.room.opensAtMs ?? ruleOpensAtMs(date, deps.defaults.rule);
}

/** The fields every answer has, in one literal: spreading a shared base into each answer cost ~5 us a check-in. */
function placeAnswer(
  date: string,
  state: PlaceState,
  opensAtMs: number,
  status: PlaceResponse['status'],
  position: number | null,
  ahead: number | null,
  estimatedWaitSeconds: number | null,
  preQueue: boolean,
  pollAfter: number,
  message: string,
): PlaceResponse {
  return {
    date,
    status,
    position,
    ahead,
    estimatedWaitSeconds,
    seatsLeft: state.room.seatsLeft,
    opensAt: new Date(opensAtMs).toISOString(),
    preQueue,
    roomActive: state.room.active,
    pollAfterSeconds: pollAfter,
    message,
  };
}

/** Maps a place to the answer; null when the user has no place (and the sale is not simply open). */
export function toPlaceResponse(deps: QueueDeps, date: string, userId: string, state: PlaceState): PlaceResponse | null {
  const now = deps.now();
  const grace = deps.checkinGraceSeconds;
  const opensAtMs = opensAtOf(deps, date, state);
  const most = pollAfterSeconds(Number.MAX_SAFE_INTEGER, grace);
  switch (state.kind) {
    case 'admitted': {
      const expMs = state.passExpiresAtMs!;
      const expires = new Date(expMs).toISOString();
      const answer = placeAnswer(
        date,
        state,
        opensAtMs,
        'admitted',
        0,
        0,
        0,
        false,
        most,
        `You are in: buy seats of ${date} before ${expires}.`,
      );
      answer.pass = signPass(deps.passKeys, { sub: userId, sale: date, expMs, jti: `${date}:${state.jti ?? '0'}` });
      answer.passExpiresAt = expires;
      return answer;
    }
    case 'sold-out':
      return placeAnswer(
        date,
        state,
        opensAtMs,
        'sold-out',
        null,
        null,
        null,
        false,
        most,
        `Sold out: every seat of ${date} is taken.`,
      );
    case 'open':
      if (now < opensAtMs) return null;
      return placeAnswer(
        date,
        state,
        opensAtMs,
        'admitted',
        0,
        0,
        0,
        false,
        most,
        `No waiting room for ${date} now: go ahead and buy.`,
      );
    case 'pre': {
      // Before the opening the place has no order yet; check in often enough to keep it, and soon after the draw
      // (spread over a few seconds with the rest of the pre-queue).
      const untilOpening = Math.max(1, Math.ceil((opensAtMs - now) / 1000));
      const poll = preQueuePollSeconds(untilOpening, state.preQueued ?? 0, userId, most, deps.openingCheckinsPerSecond);
      const opens = new Date(opensAtMs).toISOString();
      return placeAnswer(
        date,
        state,
        opensAtMs,
        'waiting',
        null,
        null,
        null,
        true,
        poll,
        `You are in the waiting room. At ${opens} every place is drawn at random: arriving early buys nothing, keep this page open.`,
      );
    }
    case 'queued': {
      const { rate, capacity, free, turnover, admitFromMs } = state.room;
      const flow = { rate, capacity, free, turnover, passTtlSeconds: deps.passTtlSeconds };
      const estimate = estimateWaitSeconds(state.ahead, flow);
      // Right after the draw admission has not begun yet (the pre-queue's first check-ins are spread until then).
      const toAdmission = admitFromMs !== null && admitFromMs > now ? Math.ceil((admitFromMs - now) / 1000) : 0;
      const eta = estimate === null ? null : estimate + toAdmission;
      return placeAnswer(
        date,
        state,
        opensAtMs,
        'waiting',
        state.position,
        state.ahead,
        eta,
        false,
        pollAfterSeconds(eta, grace),
        `You are number ${state.position} in line; keep this page open.`,
      );
    }
    case 'none':
      return null;
  }
}

export async function join(deps: QueueDeps, user: QueueUser, date: string): Promise<PlaceResponse> {
  checkSaleDate(deps, date);
  const now = deps.now();
  const ruleOpens = ruleOpensAtMs(date, deps.defaults.rule);
  const outcome = await guardStore(() =>
    deps.store.join(date, { userId: user.id, phone: user.phone ?? null, nowMs: now, ruleOpensAtMs: ruleOpens }),
  );
  if (outcome.kind === 'phone-taken') {
    throw new ConflictError(
      'PHONE_ALREADY_QUEUED',
      'This phone number already holds a place in this sale through another account',
      {
        date,
      },
    );
  }
  const answer = toPlaceResponse(deps, date, user.id, outcome);
  if (!answer) {
    throw new ConflictError('QUEUE_NOT_OPEN', `The waiting room for ${date} is not open yet`, {
      date,
      opensAt: new Date(outcome.room.opensAtMs ?? ruleOpens).toISOString(),
    });
  }
  return answer;
}

export async function checkIn(deps: QueueDeps, user: QueueUser, date: string): Promise<PlaceResponse> {
  checkSaleDate(deps, date);
  const state = await guardStore(() => deps.store.status(date, user.id, deps.now()));
  const answer = toPlaceResponse(deps, date, user.id, state);
  if (!answer) throw new NotFoundError(`You have no place in the waiting room for ${date}`, 'NOT_IN_QUEUE');
  return answer;
}

/** Leaving gives the place up; a pass is recorded as ended (it still verifies locally until it expires). */
export async function leave(deps: QueueDeps, user: QueueUser, date: string): Promise<void> {
  checkSaleDate(deps, date);
  const { existed } = await guardStore(() => deps.store.leave(date, user.id, deps.now()));
  if (!existed) throw new NotFoundError(`You have no place in the waiting room for ${date}`, 'NOT_IN_QUEUE');
}
