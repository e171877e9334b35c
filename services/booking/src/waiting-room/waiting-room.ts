/**
 * The waiting room as booking sees it: which dates' rooms are active, learnt by @rail/queue-pass's room watcher
 * (a background poll of the queue service's GET /internal/rooms/active, never per request), and whether a
 * request's pass admits its user to one of those sales (verified locally: one HMAC). With no room active
 * anywhere a hot request pays nothing; with one active it pays a Map lookup, and an HMAC only for that date.
 * A failed poll keeps the last known rooms (fail closed). docs/waiting-room.md, "Passes".
 */
import {
  createRoomWatcher,
  verifyPass,
  type ActiveRooms,
  type PassFailure,
  type PassKeys,
  type RoomWatcherLogger,
} from '@rail/queue-pass';

export interface WaitingRoomOptions {
  /** QUEUE_PASS_SECRET, parsed once at start-up (parsePassKeys). */
  keys: PassKeys;
  /** One answer of GET /internal/rooms/active; throws when the queue service does not give one. */
  fetchActive: () => Promise<ActiveRooms>;
  logger: RoomWatcherLogger;
  /** Poll period (default the watcher's, 1 s). */
  intervalMs?: number;
  /** The clock (tests). */
  now?: () => number;
}

/** Why a request is not let through a date's active room: no pass sent, or what verifyPass found wrong. */
export type PassRefusal = 'missing' | PassFailure;

export interface WaitingRoom {
  /** Some date's room is active: only then does a hot request need its trip's date at all. */
  anyActive(): boolean;
  isActive(date: string): boolean;
  /** Why `pass` does not let `userId` into the sale of `date` while its room is active; null when it does or no room is. */
  refusal(date: string, userId: string, pass: string | undefined): PassRefusal | null;
  /** Polls once (resolves whatever the outcome), then keeps polling in the background. */
  start(): Promise<void>;
  stop(): void;
}

export function createWaitingRoom(options: WaitingRoomOptions): WaitingRoom {
  const now = options.now ?? Date.now;
  // The dates of the last answer the watcher took: what anyActive() asks it about (usually none, or a few).
  let known: readonly string[] = [];
  const watcher = createRoomWatcher({
    fetchActive: async () => {
      const answer = await options.fetchActive();
      known = answer.rooms.map((room) => room.date);
      return answer;
    },
    logger: options.logger,
    now,
    ...(options.intervalMs === undefined ? {} : { intervalMs: options.intervalMs }),
  });

  return {
    anyActive: () => known.some((date) => watcher.isActive(date)),
    isActive: (date) => watcher.isActive(date),
    refusal(date, userId, pass) {
      if (!watcher.isActive(date)) return null;
      if (pass === undefined || pass === '') return 'missing';
      const verified = verifyPass(options.keys, pass, { userId, sale: date, nowMs: now() });
      return verified.ok ? null : verified.reason;
    },
    start: () => watcher.start(),
    stop: () => watcher.stop(),
  };
}
