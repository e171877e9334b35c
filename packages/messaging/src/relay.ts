/**
 * The outbox relay: claims unpublished rows with FOR UPDATE SKIP LOCKED (so any number of replicas can
 * run it side by side without publishing a row twice at the same time), publishes each with publisher
 * confirms, and marks it published in the same transaction. Rows that fail stay unpublished with their
 * attempt count and last error, and are tried again with backoff. Delivery is at least once; consumers
 * deduplicate by event id.
 */
import type { Registry } from 'prom-client';
import type { EventEnvelope } from '@rail/contracts/events';
import { withTransaction, type Pool } from '@rail/db';
import type { Logger } from '@rail/logger';
import type { Broker } from './broker.js';
import { messagingMetrics } from './metrics.js';
import type { EventHeaders } from './outbox.js';

export interface OutboxRelayOptions {
  pool: Pool;
  broker: Broker;
  logger: Logger;
  /** Poll interval while idle. Default 500. */
  intervalMs?: number;
  /** Rows claimed per transaction. Default 100. */
  batchSize?: number;
  /** Upper bound of the backoff while the broker is unreachable. Default 5000. */
  maxBackoffMs?: number;
  metricsRegistry?: Registry;
}

export interface OutboxRelay {
  /** Stops polling and waits for the pass in progress. */
  stop(): Promise<void>;
  /** Relays everything pending now; resolves with the number of events published. */
  flush(): Promise<number>;
  /** Schedules a pass at once (e.g. right after a commit that enqueued events). */
  wake(): void;
}

interface OutboxRow {
  id: string;
  envelope: EventEnvelope;
  headers: EventHeaders;
}

export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const intervalMs = options.intervalMs ?? 500;
  const batchSize = options.batchSize ?? 100;
  const maxBackoffMs = options.maxBackoffMs ?? 5_000;
  const log = options.logger.child({ component: 'outbox-relay' });
  const metrics = messagingMetrics(options.metricsRegistry);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let failures = 0;
  /** Passes run one after another in this process; other processes are kept apart by the row locks. */
  let chain: Promise<unknown> = Promise.resolve();

  async function relayBatch(): Promise<{ published: number; claimed: number; failed: number }> {
    return withTransaction(options.pool, async (client) => {
      const { rows } = await client.query<OutboxRow>(
        `SELECT id, envelope, headers FROM outbox
          WHERE published_at IS NULL
          ORDER BY occurred_at
          LIMIT $1
          FOR UPDATE SKIP LOCKED`,
        [batchSize],
      );
      metrics.outboxPending.set(rows.length);
      if (rows.length === 0) return { published: 0, claimed: 0, failed: 0 };
      const results = await Promise.allSettled(rows.map((row) => options.broker.publish(row.envelope, row.headers)));
      const published: string[] = [];
      const failedIds: string[] = [];
      const errors: string[] = [];
      results.forEach((result, i) => {
        const row = rows[i] as OutboxRow;
        if (result.status === 'fulfilled') {
          published.push(row.id);
        } else {
          failedIds.push(row.id);
          errors.push(String(result.reason instanceof Error ? result.reason.message : result.reason).slice(0, 1_000));
        }
      });
      if (published.length > 0) {
        await client.query(
          'UPDATE outbox SET published_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = ANY($1::uuid[])',
          [published],
        );
      }
      if (failedIds.length > 0) {
        await client.query(
          `UPDATE outbox o SET attempts = o.attempts + 1, last_error = f.error
             FROM unnest($1::uuid[], $2::text[]) AS f(id, error) WHERE o.id = f.id`,
          [failedIds, errors],
        );
        log.warn({ failed: failedIds.length, error: errors[0] }, 'outbox events not published; will retry');
      }
      metrics.relayed.inc({ outcome: 'published' }, published.length);
      metrics.relayed.inc({ outcome: 'failed' }, failedIds.length);
      return { published: published.length, claimed: rows.length, failed: failedIds.length };
    });
  }

  /** Runs batches until the outbox is drained or a batch fails. */
  async function drain(): Promise<number> {
    let total = 0;
    for (;;) {
      if (!options.broker.isConnected()) throw new Error('broker not connected');
      const { published, claimed, failed } = await relayBatch();
      total += published;
      if (failed > 0) throw new Error(`${failed} outbox events failed to publish`);
      if (claimed < batchSize || stopped) return total;
    }
  }

  function enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      enqueue(drain).then(
        () => {
          failures = 0;
          schedule(intervalMs);
        },
        (err: unknown) => {
          failures += 1;
          const backoff = Math.min(intervalMs * 2 ** failures, maxBackoffMs);
          if (failures === 1 || failures % 20 === 0)
            log.warn({ err: String(err), backoffMs: backoff }, 'outbox relay pass failed');
          schedule(backoff);
        },
      );
    }, delayMs);
  }

  schedule(0);

  return {
    flush: () => enqueue(drain),
    wake: () => schedule(0),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await chain;
    },
  };
}
