/**
 * Public API of the payment service (`/api/payments`): initiate a payment for a booking, verify it with a
 * card or mobile wallet against the provider, read it back. Amounts are whole taka and always come from the
 * booking service, never from the client.
 */
import { Type, type Static } from '@sinclair/typebox';
import { IsoDateTime, Money, Uuid } from './common.js';

export const PaymentStatus = Type.Union(
  [Type.Literal('INITIATED'), Type.Literal('SUCCEEDED'), Type.Literal('FAILED'), Type.Literal('REFUNDED')],
  { description: 'INITIATED -> SUCCEEDED | FAILED; FAILED accepts another attempt; SUCCEEDED -> REFUNDED' },
);
export type PaymentStatus = Static<typeof PaymentStatus>;

export const PaymentMethod = Type.Union([Type.Literal('card'), Type.Literal('bkash'), Type.Literal('nagad')]);
export type PaymentMethod = Static<typeof PaymentMethod>;

export const Currency = Type.Literal('BDT');

export const PaymentIdParams = Type.Object({ id: Uuid });
export type PaymentIdParams = Static<typeof PaymentIdParams>;

export const InitiatePaymentBody = Type.Object({ bookingId: Uuid }, { additionalProperties: false });
export type InitiatePaymentBody = Static<typeof InitiatePaymentBody>;

export const InitiatePaymentResponse = Type.Object({
  paymentId: Uuid,
  bookingId: Uuid,
  amount: Money,
  currency: Currency,
  status: PaymentStatus,
});
export type InitiatePaymentResponse = Static<typeof InitiatePaymentResponse>;

/**
 * Card fields are required when method is `card`, wallet fields when it is `bkash` or `nagad`; the service
 * names the missing or invalid field in a 400. Test instruments (deterministic):
 * - card 4242 4242 4242 4242 succeeds; 4000 0000 0000 0002 is declined (card_declined, not retryable);
 *   4000 0000 0000 9995 fails with a provider error (provider_error, retryable); any other Luhn-valid card succeeds.
 * - wallet: any valid Bangladeshi mobile number (01[3-9]XXXXXXXX) succeeds; 01700000002 is declined
 *   (insufficient_balance, not retryable); 01700009995 fails with a provider error (retryable).
 */
export const VerifyPaymentBody = Type.Object(
  {
    paymentId: Uuid,
    method: PaymentMethod,
    cardNumber: Type.Optional(Type.String({ maxLength: 32, description: 'Digits, spaces or dashes allowed' })),
    expiry: Type.Optional(Type.String({ maxLength: 7, description: 'MM/YY' })),
    cvc: Type.Optional(Type.String({ maxLength: 4 })),
    walletNumber: Type.Optional(Type.String({ maxLength: 20, description: 'Bangladeshi mobile number, e.g. 01712345678' })),
    pin: Type.Optional(Type.String({ maxLength: 5, description: 'Wallet PIN (4 or 5 digits)' })),
  },
  { additionalProperties: false },
);
export type VerifyPaymentBody = Static<typeof VerifyPaymentBody>;

export const VerifyPaymentResponse = Type.Object({
  paymentId: Uuid,
  status: Type.Union([Type.Literal('SUCCEEDED'), Type.Literal('FAILED')]),
  reason: Type.Optional(Type.String()),
  /** Set when FAILED: whether trying the same instrument again can succeed (otherwise use another one). */
  retryable: Type.Optional(Type.Boolean()),
});
export type VerifyPaymentResponse = Static<typeof VerifyPaymentResponse>;

export const PaymentView = Type.Object({
  paymentId: Uuid,
  bookingId: Uuid,
  amount: Money,
  currency: Currency,
  status: PaymentStatus,
  method: Type.Union([PaymentMethod, Type.Null()]),
  /** Only the brand and last four digits of a card are ever stored. */
  cardBrand: Type.Union([Type.String(), Type.Null()]),
  cardLast4: Type.Union([Type.String(), Type.Null()]),
  walletLast4: Type.Union([Type.String(), Type.Null()]),
  failureReason: Type.Union([Type.String(), Type.Null()]),
  retryable: Type.Union([Type.Boolean(), Type.Null()]),
  attempts: Type.Integer({ minimum: 0 }),
  refundedAmount: Type.Union([Money, Type.Null()]),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type PaymentView = Static<typeof PaymentView>;
