/**
 * The notification service's API (`/api/notifications`): the internal send endpoints (OTP and e-ticket,
 * called by other services with the internal token, never by browsers), the owner's signed e-ticket QR and
 * the development inbox.
 */
import { Type, type Static } from '@sinclair/typebox';
import { EventData } from './events.js';
import { IsoDateTime, Uuid } from './common.js';

/** Bangladeshi mobile number, `+8801XXXXXXXXX` or `01XXXXXXXXX`; messages are addressed to the `+880` form. */
export const NotificationPhone = Type.String({
  pattern: '^(?:\\+880|0)1[3-9][0-9]{8}$',
  description: 'Bangladeshi mobile number, +8801XXXXXXXXX or 01XXXXXXXXX',
  examples: ['+8801712345678'],
});

export const NotificationChannel = Type.Union([Type.Literal('sms'), Type.Literal('email')]);
export type NotificationChannel = Static<typeof NotificationChannel>;

export const NotificationKind = Type.Union([
  Type.Literal('otp'),
  Type.Literal('ticket'),
  Type.Literal('cancellation'),
  Type.Literal('refund'),
  Type.Literal('waitlist'),
]);
export type NotificationKind = Static<typeof NotificationKind>;

export const SendOtpBody = Type.Object(
  {
    phone: NotificationPhone,
    code: Type.String({ pattern: '^\\d{6}$', description: 'The 6-digit code' }),
    purpose: EventData['otp.requested'].properties.purpose,
    expiresAt: Type.Optional(IsoDateTime),
    /**
     * The OTP request's id: a repeated call with the same id sends nothing new. Without it every call sends.
     */
    requestId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  },
  { additionalProperties: false },
);
export type SendOtpBody = Static<typeof SendOtpBody>;

/** The e-ticket: the same data the `booking.confirmed` event carries; sent once per booking, whichever path asks. */
export const SendConfirmationBody = Type.Composite([EventData['booking.confirmed']], { additionalProperties: false });
export type SendConfirmationBody = Static<typeof SendConfirmationBody>;

export const SentMessage = Type.Object({
  id: Uuid,
  channel: NotificationChannel,
  to: Type.String(),
  /** False when this message had already been sent for the same request (an idempotent repeat). */
  sent: Type.Boolean(),
});

export const SendResponse = Type.Object({ messages: Type.Array(SentMessage) });
export type SendResponse = Static<typeof SendResponse>;

export const InboxQuery = Type.Object(
  { to: Type.String({ minLength: 3, maxLength: 254, description: 'A phone number or e-mail address' }) },
  { additionalProperties: false },
);
export type InboxQuery = Static<typeof InboxQuery>;

export const InboxMessage = Type.Object({
  id: Uuid,
  kind: NotificationKind,
  channel: NotificationChannel,
  to: Type.String(),
  subject: Type.Optional(Type.String()),
  body: Type.String(),
  /** The signed e-ticket string a checker scans (tickets only). */
  qr: Type.Optional(Type.String()),
  createdAt: IsoDateTime,
});
export type InboxMessage = Static<typeof InboxMessage>;

export const InboxResponse = Type.Object({ to: Type.String(), messages: Type.Array(InboxMessage) });
export type InboxResponse = Static<typeof InboxResponse>;

export const TicketParams = Type.Object({ bookingId: Uuid }, { additionalProperties: false });
export type TicketParams = Static<typeof TicketParams>;

/** The e-ticket's signed QR payload, for the booking's owner: the same string the SMS/e-mail carry. */
export const TicketQrResponse = Type.Object({
  bookingId: Uuid,
  reference: Type.String(),
  qr: Type.String({
    description: 'RT1.<base64url JSON>.<base64url Ed25519 signature>; verify with GET /api/notifications/ticket-key',
  }),
});
export type TicketQrResponse = Static<typeof TicketQrResponse>;
