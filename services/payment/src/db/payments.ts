/** Queries over the payment tables. Every function takes the pool or the caller's transaction client. */
import type { Queryable } from '@rail/db';
import type { PaymentMethod, PaymentStatus, PaymentView } from '@rail/contracts/payment';

export interface PaymentRow {
  id: string;
  booking_id: string;
  user_id: string;
  amount: number;
  currency: 'BDT';
  status: PaymentStatus;
  method: PaymentMethod | null;
  card_brand: string | null;
  card_last4: string | null;
  wallet_last4: string | null;
  provider_reference: string | null;
  failure_reason: string | null;
  retryable: boolean | null;
  attempts: number;
  created_at: Date;
  updated_at: Date;
  refunded_amount: number | null;
}

const COLUMNS = `p.id, p.booking_id, p.user_id, p.amount, p.currency, p.status, p.method, p.card_brand, p.card_last4,
  p.wallet_last4, p.provider_reference, p.failure_reason, p.retryable, p.attempts, p.created_at, p.updated_at,
  (SELECT r.amount FROM refunds r WHERE r.payment_id = p.id) AS refunded_amount`;

export async function findPayment(db: Queryable, id: string, options: { forUpdate?: boolean } = {}): Promise<PaymentRow | null> {
  const lock = options.forUpdate ? ' FOR UPDATE OF p' : '';
  const { rows } = await db.query<PaymentRow>(`SELECT ${COLUMNS} FROM payments p WHERE p.id = $1${lock}`, [id]);
  return rows[0] ?? null;
}

/** The booking's open payment (INITIATED, FAILED or SUCCEEDED); the unique index allows at most one. */
export async function findOpenPayment(db: Queryable, bookingId: string): Promise<PaymentRow | null> {
  const { rows } = await db.query<PaymentRow>(
    `SELECT ${COLUMNS} FROM payments p WHERE p.booking_id = $1 AND p.status IN ('INITIATED', 'FAILED', 'SUCCEEDED')`,
    [bookingId],
  );
  return rows[0] ?? null;
}

/** Inserts an INITIATED payment unless the booking already has an open one; returns null in that case. */
export async function insertPaymentIfNoneOpen(
  db: Queryable,
  payment: { id: string; bookingId: string; userId: string; amount: number },
): Promise<PaymentRow | null> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO payments (id, booking_id, user_id, amount, status) VALUES ($1, $2, $3, $4, 'INITIATED')
     ON CONFLICT (booking_id) WHERE status IN ('INITIATED', 'FAILED', 'SUCCEEDED') DO NOTHING
     RETURNING id`,
    [payment.id, payment.bookingId, payment.userId, payment.amount],
  );
  return rows[0] ? findPayment(db, payment.id) : null;
}

export function toPaymentView(row: PaymentRow): PaymentView {
  return {
    paymentId: row.id,
    bookingId: row.booking_id,
    amount: row.amount,
    currency: row.currency,
    status: row.status,
    method: row.method,
    cardBrand: row.card_brand,
    cardLast4: row.card_last4,
    walletLast4: row.wallet_last4,
    failureReason: row.failure_reason,
    retryable: row.retryable,
    attempts: row.attempts,
    refundedAmount: row.refunded_amount,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
