/**
 * The queue service's GET /internal/rooms/active through the shared service client, for the room watcher. No
 * retries and no breaker: the watcher polls again within a second anyway, and keeps the last known rooms while
 * the queue service does not answer.
 */
import { ActiveRoomsResponse } from '@rail/contracts/queue';
import { ACTIVE_ROOMS_PATH, type ActiveRooms } from '@rail/queue-pass';
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
    async fetchActive() {
      const answer = await queue.get(ACTIVE_ROOMS_PATH, ActiveRoomsResponse);
      // A 404 is not "no rooms": it is the wrong address or an older queue service, so it is a failed poll.
      if (answer === null) throw new Error(`the queue service answered 404 on ${ACTIVE_ROOMS_PATH}`);
      return answer;
    },
    close: () => queue.close(),
  };
}
