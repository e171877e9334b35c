/**
 * Prometheus metrics for publishing, consuming, the outbox relay and the dead-letter queues' depth; registered
 * when a registry is given.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

export interface MessagingMetrics {
  published: Counter<'type' | 'outcome'>;
  consumed: Counter<'queue' | 'type' | 'outcome'>;
  relayed: Counter<'outcome'>;
  outboxPending: Gauge;
  /** Each broker adds a reader of its consumers' dead-letter queue depths (and removes it on close). */
  deadLetterSources: Set<DeadLetterDepthSource>;
}

/** Messages waiting in each dead-letter queue, by consumer queue; queues it cannot read now are left out. */
export type DeadLetterDepthSource = () => Promise<Array<{ queue: string; messages: number }>>;

const cache = new WeakMap<Registry, MessagingMetrics>();

export function messagingMetrics(registry?: Registry): MessagingMetrics {
  const cached = registry && cache.get(registry);
  if (cached) return cached;
  const registers = registry ? [registry] : [];
  const deadLetterSources = new Set<DeadLetterDepthSource>();
  const metrics: MessagingMetrics = {
    deadLetterSources,
    published: new Counter({
      name: 'messaging_published_total',
      help: 'Events published to the exchange, by type and outcome (confirmed, failed, invalid)',
      labelNames: ['type', 'outcome'] as const,
      registers,
    }),
    consumed: new Counter({
      name: 'messaging_consumed_total',
      help: 'Deliveries handled, by queue, type and outcome (acked, duplicate, retried, dead_lettered, requeued)',
      labelNames: ['queue', 'type', 'outcome'] as const,
      registers,
    }),
    relayed: new Counter({
      name: 'messaging_outbox_relayed_total',
      help: 'Outbox rows relayed, by outcome (published, failed)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    outboxPending: new Gauge({
      name: 'messaging_outbox_pending',
      help: 'Unpublished outbox rows seen by the last relay pass (capped at the batch size)',
      registers,
    }),
  };
  new Gauge({
    name: 'messaging_dead_letter_messages',
    help: "Messages waiting in a consumer queue's dead-letter queue (<queue>.dlq), read from the broker at each scrape",
    labelNames: ['queue'] as const,
    registers,
    async collect() {
      this.reset();
      const depths = await Promise.all([...deadLetterSources].map((source) => source().catch(() => [])));
      for (const { queue, messages } of depths.flat()) this.set({ queue }, messages);
    },
  });
  if (registry) cache.set(registry, metrics);
  return metrics;
}
