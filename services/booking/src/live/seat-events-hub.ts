/**
 * Fans the per-trip Redis seat-event channels out to browsers: one shared subscriber connection per
 * process, subscribed to a trip's channel only while someone watches it; bursts are coalesced (~200 ms)
 * into one message per trip.
 */
import type { SeatEvent } from '@rail/contracts/booking';
import type { Redis } from '@rail/redis';
import { tripKeys } from '../redis/seat-inventory.js';

/** Receives coalesced changes, or 'resync' when changes may have been missed (the subscriber reconnected). */
type Listener = (events: SeatEvent[] | 'resync') => void;

interface TripChannel {
  tripId: number;
  listeners: Set<Listener>;
  buffer: SeatEvent[];
  timer: NodeJS.Timeout | null;
}

export class SeatEventsHub {
  private readonly byChannel = new Map<string, TripChannel>();
  private readonly closers = new Set<() => void>();

  constructor(
    private readonly subscriber: Redis,
    private readonly prefix: string,
    private readonly coalesceMs = 200,
  ) {
    subscriber.on('message', (channel: string, message: string) => this.onMessage(channel, message));
    // After a reconnect, make sure every watched channel is subscribed again (SUBSCRIBE is idempotent), whatever
    // state the connection was in when it dropped.
    // Changes published while the connection was down are lost (pub/sub is at-most-once), so watchers are told to
    // refetch the seat map.
    subscriber.on('ready', () => {
      const channels = [...this.byChannel.keys()];
      if (channels.length === 0) return;
      subscriber
        .subscribe(...channels)
        .then(() => {
          for (const trip of this.byChannel.values()) for (const listener of trip.listeners) listener('resync');
        })
        .catch(() => undefined);
    });
  }

  private onMessage(channel: string, message: string): void {
    const trip = this.byChannel.get(channel);
    if (!trip) return;
    try {
      trip.buffer.push(JSON.parse(message) as SeatEvent);
    } catch {
      return;
    }
    trip.timer ??= setTimeout(() => {
      trip.timer = null;
      const events = trip.buffer;
      trip.buffer = [];
      for (const listener of trip.listeners) listener(events);
    }, this.coalesceMs);
  }

  /** Starts delivering a trip's events to `listener`; resolves once Redis confirmed the subscription. */
  async subscribe(tripId: number, listener: Listener, onClose: () => void): Promise<() => Promise<void>> {
    const channel = tripKeys(this.prefix, tripId).channel;
    let trip = this.byChannel.get(channel);
    if (!trip) {
      trip = { tripId, listeners: new Set(), buffer: [], timer: null };
      this.byChannel.set(channel, trip);
    }
    trip.listeners.add(listener);
    this.closers.add(onClose);
    if (trip.listeners.size === 1) await this.subscriber.subscribe(channel);
    const current = trip;
    return async () => {
      this.closers.delete(onClose);
      current.listeners.delete(listener);
      if (current.listeners.size === 0 && this.byChannel.get(channel) === current) {
        this.byChannel.delete(channel);
        if (current.timer) clearTimeout(current.timer);
        await this.subscriber.unsubscribe(channel).catch(() => undefined);
      }
    };
  }

  watchers(): number {
    let n = 0;
    for (const trip of this.byChannel.values()) n += trip.listeners.size;
    return n;
  }

  /** Ends every open stream (on shutdown, so the server can drain). */
  closeAll(): void {
    for (const close of [...this.closers]) close();
  }
}
