/**
 * A pg pool with the settings every service wants, built to ride out a PostgreSQL restart or a short outage:
 * no connection error can reach the process as an unhandled 'error' event (idle or checked out), a query while
 * the server is down fails within the connection timeout with an error the HTTP layer answers as
 * 503 DEPENDENCY_UNAVAILABLE + Retry-After, and the pool reconnects by itself (new clients on demand).
 *
 * Timeouts (see packages/db/README.md):
 * - connectionTimeoutMs 2000: the longest a query waits for a connection, a new one or a free pool slot. A
 *   healthy server connects in milliseconds; a refused or restarting one fails at once; 2 s bounds a server
 *   that accepts nothing (a black-holed network) and sheds load when the pool stays saturated.
 * - statementTimeoutMs 10000 (server side): no statement may hold a connection (and its request) longer.
 * - TCP keep-alive after 10 s idle: a connection whose peer vanished without a FIN is found and dropped.
 */
import pg from 'pg';
import type { Logger } from '@rail/logger';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
/** Anything that can run a query: the pool, or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'>;

// int8 (bigint) ids and counts fit comfortably in a JS number here; numeric stays a string.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export const DEFAULT_CONNECTION_TIMEOUT_MS = 2_000;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 10_000;

export interface CreatePoolOptions {
  max?: number;
  applicationName?: string;
  /** Statement timeout in ms: no query may hang a request. Default 10000. */
  statementTimeoutMs?: number;
  /** How long a query may wait for a connection (new or from the pool) before it fails. Default 2000. */
  connectionTimeoutMs?: number;
  /** Told (once per failed connection) about connection errors no query saw. */
  logger?: Pick<Logger, 'warn'>;
}

export function createPool(connectionString: string, options: CreatePoolOptions = {}): Pool {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    application_name: options.applicationName,
    statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
  });
  // pg-pool listens for 'error' on a client only while it is idle. A checked-out client (a transaction waiting
  // on something else, a LISTEN connection) whose server restarts emits 'error' with no listener, which ends the
  // process. Every client gets a listener of its own for its whole life: its next query then fails with
  // "Client has encountered a connection error" (a 503), and the pool drops it when it is released.
  pool.on('connect', (client) => {
    client.on('error', (err: Error) => {
      options.logger?.warn({ err, pool: options.applicationName }, 'database connection lost; the pool replaces it');
    });
  });
  // Idle clients' errors also reach the pool; the client's own listener above has logged them.
  pool.on('error', () => undefined);
  return pool;
}
