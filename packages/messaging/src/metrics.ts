/** Prometheus counters for publishing, consuming and the outbox relay; registered when a registry is given. */
import { Counter, Gauge, type Registry } from 'prom-client';

export interface MessagingMetrics {
  published: Counter<'type' | 'outcome'>;
  consumed: Counter<'queue' | 'type' | 'outcome'>;
  relayed: Counter<'outcome'>;
  outboxPending: Gauge;
}

const cache = new WeakMap<Registry, MessagingMetrics>();

export function messagingMetrics(registry?: Registry): MessagingMetrics {
  const cached = registry && cache.get(registry);
  if (cached) return cached;
  const registers = registry ? [registry] : [];
  const metrics: MessagingMetrics = {
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
  if (registry) cache.set(registry, metrics);
  return metrics;
}
