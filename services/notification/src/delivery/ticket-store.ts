/**
 * The issued e-tickets, one Redis key per booking: the signed QR payload and its owner, so the traveller's
 * e-ticket page shows the very string a checker verifies (also in production, where there is no inbox).
 * A cancelled booking's key is overwritten with a void marker rather than deleted: booking.confirmed and
 * booking.cancelled arrive on different queues, and a late confirmation must not bring a cancelled ticket back.
 */
import type { Redis } from '@rail/redis';

export interface IssuedTicket {
  status: 'issued';
  bookingId: string;
  userId: string;
  reference: string;
  qr: string;
  issuedAt: string;
}

export interface VoidTicket {
  status: 'void';
  bookingId: string;
  voidedAt: string;
}

export type TicketRecord = IssuedTicket | VoidTicket;

export interface TicketStore {
  /** Keeps the first ticket issued for a booking and returns what is stored (that one, or a void marker). */
  issue(ticket: Omit<IssuedTicket, 'status' | 'issuedAt'>): Promise<TicketRecord>;
  /** Marks the booking's ticket void (whether or not it was issued yet). */
  void(bookingId: string): Promise<void>;
  get(bookingId: string): Promise<TicketRecord | null>;
}

export interface TicketStoreOptions {
  redis: Redis;
  prefix: string;
  ttlSeconds: number;
}

// SET NX and GET in one step: the first issue wins, and a repeat sees exactly what a reader will see.
const ISSUE_SCRIPT = `
redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', tonumber(ARGV[2]))
return redis.call('GET', KEYS[1])
`;

function parse(raw: string | null): TicketRecord | null {
  if (raw === null) return null;
  const record = JSON.parse(raw) as TicketRecord;
  return record.status === 'issued' || record.status === 'void' ? record : null;
}

export function createTicketStore(options: TicketStoreOptions): TicketStore {
  const { redis, prefix, ttlSeconds } = options;
  const key = (bookingId: string) => `${prefix}ticket:${bookingId}`;
  return {
    async issue(ticket) {
      const record: IssuedTicket = { status: 'issued', ...ticket, issuedAt: new Date().toISOString() };
      const stored = (await redis.eval(ISSUE_SCRIPT, 1, key(ticket.bookingId), JSON.stringify(record), ttlSeconds)) as
        string | null;
      return parse(stored) ?? record;
    },
    async void(bookingId) {
      const record: VoidTicket = { status: 'void', bookingId, voidedAt: new Date().toISOString() };
      await redis.set(key(bookingId), JSON.stringify(record), 'EX', ttlSeconds);
    },
    async get(bookingId) {
      return parse(await redis.get(key(bookingId)));
    },
  };
}
