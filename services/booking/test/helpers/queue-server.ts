/**
 * A tiny real HTTP server standing in for the queue service's GET /internal/rooms/active, so the booking app's
 * room watcher polls it over HTTP through the very client production uses. It can be switched unreachable
 * (every connection dropped), and says when the watcher has taken an answer given after a change.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ACTIVE_ROOMS_PATH } from '@rail/queue-pass';

export interface QueueServer {
  url: string;
  /** The dates whose room is active from now on. */
  setActive(dates: string[]): void;
  /** false: every request's connection is dropped (the queue service unreachable). */
  setReachable(reachable: boolean): void;
  /**
   * Resolves once the watcher has taken an answer given after this call. The watcher polls one at a time, so the
   * second request after it means the first one's answer was applied.
   */
  polled(): Promise<void>;
  requests(): number;
  close(): Promise<void>;
}

export async function startQueueServer(): Promise<QueueServer> {
  let active: string[] = [];
  let reachable = true;
  let count = 0;
  const server: Server = createServer((req, res) => {
    count++;
    if (!reachable) {
      req.socket.destroy();
      return;
    }
    if (req.method !== 'GET' || req.url !== ACTIVE_ROOMS_PATH) {
      res.writeHead(404, { 'content-type': 'application/problem+json' }).end('{"status":404}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ rooms: active.map((date) => ({ date })) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setActive: (dates) => void (active = [...dates]),
    setReachable: (value) => void (reachable = value),
    async polled() {
      const target = count + 2;
      const deadline = Date.now() + 5_000;
      while (count < target) {
        if (Date.now() > deadline) throw new Error(`the room watcher did not poll (${count} requests)`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    requests: () => count,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
