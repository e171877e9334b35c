/**
 * Which sales' rooms are active, as seen by a service that guards hot endpoints: polled in the background from
 * the queue service (GET /internal/rooms/active), never per request, so a seat select costs a Map lookup.
 *
 * When a poll fails the last known state stays: a room last known active stays active (fail closed: nobody
 * slips past the room while the queue service is unreachable, and people already admitted keep their passes,
 * which are verified locally); a room last known inactive stays inactive (sales outside an opening go on).
 * Before the first successful poll nothing is known and no room is active: a service starting while the queue
 * service is down does not stop every sale.
 */
import { ACTIVE_ROOMS_PATH, ActiveRoomsResponse } from '@rail/contracts/queue';

export type ActiveRooms = ActiveRoomsResponse;

/** What a service's client for the queue service offers (@rail/service-client's `get`). */
export interface QueueServiceGetter {
  get(path: string, schema: typeof ActiveRoomsResponse): Promise<ActiveRoomsResponse | null>;
}

/**
 * One poll of the queue service's GET /internal/rooms/active through the caller's own service client. A 404 is
 * not "no rooms": it is the wrong address or an older queue service, so it is a failed poll (the watcher keeps
 * the last known rooms).
 */
export function activeRoomsFetcher(queue: QueueServiceGetter): () => Promise<ActiveRooms> {
  return async () => {
    const answer = await queue.get(ACTIVE_ROOMS_PATH, ActiveRoomsResponse);
    if (answer === null) throw new Error(`the queue service answered 404 on ${ACTIVE_ROOMS_PATH}`);
    return answer;
  };
}

export interface RoomWatcherLogger {
  warn(fields: object, message: string): void;
}

export interface RoomWatcherOptions {
  fetchActive: () => Promise<ActiveRooms>;
  intervalMs?: number;
  logger: RoomWatcherLogger;
  /** The clock (tests). */
  now?: () => number;
}

export interface RoomWatcher {
  isActive(date: string): boolean;
  /** Polls once at once, then every interval; resolves after the first poll (whatever its outcome). */
  start(): Promise<void>;
  stop(): void;
  /** Epoch ms of the last successful poll, or null. */
  lastSuccessAt(): number | null;
}

export function createRoomWatcher(options: RoomWatcherOptions): RoomWatcher {
  const { fetchActive, logger, intervalMs = 1000 } = options;
  const now = options.now ?? Date.now;
  // date -> end (epoch ms) or Infinity when the end is not known in advance.
  let rooms = new Map<string, number>();
  let lastSuccess: number | null = null;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let failing = false;

  const poll = async (): Promise<void> => {
    try {
      const answer = await fetchActive();
      const next = new Map<string, number>();
      for (const room of answer.rooms) next.set(room.date, room.until ? Date.parse(room.until) : Number.POSITIVE_INFINITY);
      rooms = next;
      lastSuccess = now();
      failing = false;
    } catch (err) {
      // Log the first failure of a run of them, not one line a second.
      if (!failing) logger.warn({ err }, 'waiting-room poll failed; keeping the last known rooms');
      failing = true;
    }
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      void poll().finally(schedule);
    }, intervalMs);
    timer.unref();
  };

  return {
    isActive(date) {
      const until = rooms.get(date);
      return until !== undefined && until > now();
    },
    async start() {
      stopped = false;
      await poll();
      schedule();
    },
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    },
    lastSuccessAt: () => lastSuccess,
  };
}
