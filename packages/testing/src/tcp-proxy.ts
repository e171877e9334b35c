/**
 * A TCP proxy in front of a real store (PostgreSQL, Redis, RabbitMQ) so a test can simulate an outage or a
 * restart without touching the shared server: `cut()` drops every open connection and refuses new ones
 * (accepted and closed at once, as a restarting server does), `stall()` accepts new ones and never answers
 * (a black-holed network), `restore()` lets them through again.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  /** Local port the proxy listens on. */
  port: number;
  /** `url` with its host and port replaced by the proxy's. */
  urlFor(url: string): string;
  /** Drops every open connection and refuses new ones until restore(). */
  cut(): void;
  /** Holds new connections open without forwarding a byte (a server that accepts and never answers). */
  stall(): void;
  /** Ends cut() or stall(): connections pass through again. */
  restore(): void;
  /** Connections currently passed through (client side). */
  openConnections(): number;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host?: string; port: number }): Promise<TcpProxy> {
  const host = target.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  const clients = new Set<Socket>();
  let cut = false;
  let stalled = false;
  const server: Server = createServer((client) => {
    if (cut) {
      client.destroy();
      return;
    }
    if (stalled) {
      sockets.add(client);
      client.on('error', () => client.destroy()).on('close', () => sockets.delete(client));
      return;
    }
    const upstream = connect(target.port, host);
    sockets.add(client).add(upstream);
    clients.add(client);
    const teardown = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
      clients.delete(client);
    };
    client.on('error', teardown).on('close', teardown);
    upstream.on('error', teardown).on('close', teardown);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const dropAll = (): void => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    clients.clear();
  };
  return {
    port,
    urlFor(url: string) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    cut() {
      cut = true;
      dropAll();
    },
    stall() {
      stalled = true;
    },
    restore() {
      cut = false;
      stalled = false;
    },
    openConnections: () => clients.size,
    async close() {
      cut = true;
      dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
