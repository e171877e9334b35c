/**
 * Which sales' waiting rooms are active, as train sees them: @rail/queue-pass's room watcher polling the queue
 * service's GET /internal/rooms/active in the background, never per request, so a seat map asks a Map. When the
 * queue service is away the last known rooms stay (see the watcher); before the first answer no room is active.
 */
import type { Logger } from '@rail/logger';
import { activeRoomsFetcher, createRoomWatcher, type RoomWatcher } from '@rail/queue-pass';
import { createServiceClient } from '@rail/service-client';

export interface ActiveRooms extends RoomWatcher {
  /** Stops polling and closes the connections to the queue service. */
  close(): Promise<void>;
}

export interface ActiveRoomsOptions {
  queueUrl: string;
  intervalMs: number;
  logger: Logger;
}

export function createActiveRooms(options: ActiveRoomsOptions): ActiveRooms {
  const queue = createServiceClient({
    service: 'queue',
    baseUrl: options.queueUrl,
    // One poll a second: the next one is the retry, and a breaker would only delay seeing the service back.
    timeoutMs: Math.min(options.intervalMs, 1_000),
    retry: false,
    breaker: false,
  });
  const watcher = createRoomWatcher({
    intervalMs: options.intervalMs,
    logger: options.logger,
    fetchActive: activeRoomsFetcher(queue),
  });
  return {
    ...watcher,
    async close() {
      watcher.stop();
      await queue.close();
    },
  };
}
