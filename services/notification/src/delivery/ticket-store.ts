/**
 * The issued e-tickets in notification_db (table `tickets`, one row per booking): the signed QR payload and
 * its owner, so the traveller's e-ticket page shows the very string a checker verifies (also in production,
 * where there is no inbox). Kept in PostgreSQL, not Redis: a ticket is a promise to the traveller and must
 * survive a Redis flush or restart. A cancelled booking's row is voided rather than deleted: booking.confirmed
 * and booking.cancelled arrive on different queues, and a late confirmation must not bring a cancelled ticket back.
 */
import type { Queryable } from '@rail/db';

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
  /** Keeps the first ticket issued for a booking and returns what is stored (that one, or the void record). */
  issue(ticket: Omit<IssuedTicket, 'status' | 'issuedAt'>): Promise<TicketRecord>;
  /** Marks the booking's ticket void (whether or not it was issued yet). */
  void(bookingId: string): Promise<void>;
  get(bookingId: string): Promise<TicketRecord | null>;
}

interface TicketRow {
  booking_id: string;
  status: 'issued' | 'void';
  user_id: string | null;
  reference: string | null;
  qr: string | null;
  issued_at: Date | null;
  voided_at: Date | null;
}

const COLUMNS = 'booking_id, status, user_id, reference, qr, issued_at, voided_at';

function toRecord(row: TicketRow): TicketRecord {
  if (row.status === 'void') {
    return { status: 'void', bookingId: row.booking_id, voidedAt: (row.voided_at ?? new Date(0)).toISOString() };
  }
  // The table's CHECK guarantees these are set for an issued ticket.
  return {
    status: 'issued',
    bookingId: row.booking_id,
    userId: row.user_id ?? '',
    reference: row.reference ?? '',
    qr: row.qr ?? '',
    issuedAt: (row.issued_at ?? new Date(0)).toISOString(),
  };
}

export function createTicketStore(db: Queryable): TicketStore {
  const get = async (bookingId: string): Promise<TicketRecord | null> => {
    const { rows } = await db.query<TicketRow>(`SELECT ${COLUMNS} FROM tickets WHERE booking_id = $1`, [bookingId]);
    return rows[0] ? toRecord(rows[0]) : null;
  };
  return {
    async issue(ticket) {
      // The primary key makes the first issue win; a repeat (or a race) reads back the stored row.
      const { rows } = await db.query<TicketRow>(
        `INSERT INTO tickets (booking_id, status, user_id, reference, qr, issued_at)
         VALUES ($1, 'issued', $2, $3, $4, now())
         ON CONFLICT (booking_id) DO NOTHING
         RETURNING ${COLUMNS}`,
        [ticket.bookingId, ticket.userId, ticket.reference, ticket.qr],
      );
      if (rows[0]) return toRecord(rows[0]);
      const stored = await get(ticket.bookingId);
      if (!stored) throw new Error(`ticket ${ticket.bookingId} conflicted but is not there`);
      return stored;
    },
    async void(bookingId) {
      await db.query(
        `INSERT INTO tickets (booking_id, status, voided_at) VALUES ($1, 'void', now())
         ON CONFLICT (booking_id) DO UPDATE SET status = 'void', voided_at = COALESCE(tickets.voided_at, now())`,
        [bookingId],
      );
    },
    get,
  };
}
