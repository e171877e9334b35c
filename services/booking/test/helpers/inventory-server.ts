/** A tiny real HTTP server standing in for the train service's inventory endpoint. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TripInventory } from '@rail/contracts/train-internal';

export interface InventoryServer {
  url: string;
  requests: () => number;
  close: () => Promise<void>;
}

export async function startInventoryServer(inventories: TripInventory[]): Promise<InventoryServer> {
  const byId = new Map(inventories.map((i) => [i.tripId, JSON.stringify(i)]));
  let count = 0;
  const server: Server = createServer((req, res) => {
    count++;
    const match = /^\/internal\/trips\/(\d+)\/inventory$/.exec(req.url ?? '');
    const body = match ? byId.get(Number(match[1])) : undefined;
    if (!body) {
      res.writeHead(404, { 'content-type': 'application/problem+json' }).end('{"status":404}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => count,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
