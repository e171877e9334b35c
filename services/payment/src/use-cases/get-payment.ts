/** Reads one payment for its owner; anyone else gets the same 404 as for an unknown id. */
import { NotFoundError } from '@rail/errors';
import type { Queryable } from '@rail/db';
import type { PaymentView } from '@rail/contracts/payment';
import { findPayment, toPaymentView } from '../db/payments.js';

export async function getPayment(deps: { pool: Queryable }, input: { userId: string; paymentId: string }): Promise<PaymentView> {
  const payment = await findPayment(deps.pool, input.paymentId);
  if (!payment || payment.user_id !== input.userId) throw new NotFoundError('No such payment', 'PAYMENT_NOT_FOUND');
  return toPaymentView(payment);
}
