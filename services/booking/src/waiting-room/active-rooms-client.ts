/**
 * The queue service's GET /internal/rooms/active through the shared service client, for the room watcher. No
 * retries and no breaker: the watcher polls again within a second anyway, and keeps the last known rooms while
 * the queue service does not answer.
 */
import { activeRoomsFetcher, type ActiveRooms } from '@rail/queue-pass';
import { createServiceClient } from '@rail/service-client';

export interface ActiveRoomsClient {
  fetchActive(): Promise<ActiveRooms>;
  close(): Promise<void>;
}

export function createActiveRoomsClient(options: { baseUrl: string; timeoutMs?: number }): ActiveRoomsClient {
  const queue = createServiceClient({
    service: 'queue',
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs ?? 1000,
    retry: false,
    breaker: false,
    connections: 1,
  });
  return {
    fetchActive: activeRoomsFetcher(queue),
    close: () => queue.close(),
  };
}
