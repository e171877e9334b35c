/**
 * Renders the texts travellers receive: the OTP SMS, the e-ticket (SMS and e-mail), the cancellation
 * and the refund notices (including "this payment will be refunded" for a payment a booking cannot take), the
 * waitlist notices (seats offered, waitlist closed). Pure: data in, messages out; times shown in Asia/Dhaka.
 */
import type { EventDataOf } from '@rail/contracts/events';
import type { NotificationChannel, NotificationKind } from '@rail/contracts/notification';
import { normalizeRecipient } from './recipients.js';
import { seatLabel } from './ticket-qr.js';

export interface OutgoingMessage {
  kind: NotificationKind;
  channel: NotificationChannel;
  to: string;
  subject?: string;
  body: string;
  /** The body as it may appear in logs (the OTP code masked). */
  logBody: string;
  qr?: string;
}

type Contact = EventDataOf<'booking.confirmed'>['contact'];

const BRAND = 'Bangladesh Railway';
const TIME = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Dhaka', hour: '2-digit', minute: '2-digit', hour12: false });
const DATE = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
});
const PURPOSE: Record<EventDataOf<'otp.requested'>['purpose'], string> = {
  login: 'sign in',
  register: 'finish registering',
  booking: 'confirm your booking',
  reset: 'reset your password',
};

export function formatTaka(amount: number): string {
  return `BDT ${amount.toLocaleString('en-US')}`;
}

/** `2025-04-08` -> `Tue, 8 Apr 2025` (a calendar date, so formatted without shifting zones). */
export function formatDate(isoDate: string): string {
  return DATE.format(new Date(`${isoDate}T00:00:00Z`));
}

export function formatTime(isoDateTime: string): string {
  return TIME.format(new Date(isoDateTime));
}

function both(contact: Contact, sms: Omit<OutgoingMessage, 'channel' | 'to'>, email: Omit<OutgoingMessage, 'channel' | 'to'>) {
  const messages: OutgoingMessage[] = [];
  if (contact.phone) messages.push({ ...sms, channel: 'sms', to: normalizeRecipient(contact.phone) });
  if (contact.email) messages.push({ ...email, channel: 'email', to: normalizeRecipient(contact.email) });
  return messages;
}

export function renderOtp(
  data: Pick<EventDataOf<'otp.requested'>, 'phone' | 'code' | 'purpose'> & { expiresAt?: string },
): OutgoingMessage {
  const expiry = data.expiresAt ? ` It expires at ${formatTime(data.expiresAt)}.` : '';
  const text = (code: string) =>
    `${BRAND}: ${code} is your code to ${PURPOSE[data.purpose]}.${expiry} Never share it; railway staff will never ask for it.`;
  return { kind: 'otp', channel: 'sms', to: normalizeRecipient(data.phone), body: text(data.code), logBody: text('******') };
}

export function renderTicket(data: EventDataOf<'booking.confirmed'>, qr: string): OutgoingMessage[] {
  const train = `${data.trainName} (${data.trainNumber})`;
  const departs = data.departure ? formatTime(data.departure) : 'see timetable';
  const coaches = [...new Set(data.seats.map((s) => s.coach))].join(', ');
  const seats = data.seats.map(seatLabel).join(', ');
  const sms = [
    `${BRAND} e-ticket ${data.reference}: ${train}, ${formatDate(data.date)}, ${data.from} ${departs} -> ${data.to}.`,
    `Coach ${coaches}, seat${data.seats.length === 1 ? '' : 's'} ${seats}; ${data.passengers.length} passenger${data.passengers.length === 1 ? '' : 's'}.`,
    `Fare ${formatTaka(data.amount)}. Show the QR code from your e-mail or the app when boarding.`,
  ].join(' ');
  const passengerLines = data.passengers.map((p, i) => {
    const details = [p.age === undefined ? null : `age ${p.age}`, p.gender ?? null].filter(Boolean).join(', ');
    return `  ${i + 1}. ${p.name}${details ? ` (${details})` : ''}`;
  });
  const seatLines = data.seats.map((s) => `  ${seatLabel(s)} (${s.class.replace('_', ' ')})`);
  const email = [
    `Dear ${data.contact.name ?? 'traveller'},`,
    '',
    `Your booking is confirmed. Booking reference: ${data.reference}`,
    '',
    `Train:      ${train}`,
    `Date:       ${formatDate(data.date)}`,
    `From:       ${data.from}`,
    `To:         ${data.to}`,
    `Departure:  ${departs}`,
    `Coach:      ${coaches}`,
    'Seats:',
    ...seatLines,
    'Passengers:',
    ...passengerLines,
    `Fare paid:  ${formatTaka(data.amount)}`,
    '',
    'Show this QR code at boarding; the checker scans it to verify your ticket:',
    qr,
    '',
    `${BRAND}`,
  ].join('\n');
  const subject = `E-ticket ${data.reference}: ${data.trainName}, ${formatDate(data.date)}`;
  return both(
    data.contact,
    { kind: 'ticket', body: sms, logBody: sms, qr },
    { kind: 'ticket', subject, body: email, logBody: `${subject} (e-ticket with QR code)`, qr },
  );
}

/**
 * booking.cancelled reasons that are not a cancellation: a payment arrived that the booking cannot take, so
 * booking asks payment to refund it (see booking's handle-payment-events.ts). The booking itself keeps its
 * state; for DUPLICATE_PAYMENT it is still CONFIRMED and the ticket stays valid.
 */
export const REFUND_REQUEST_REASONS = [
  'DUPLICATE_PAYMENT',
  'PAID_AFTER_EXPIRY',
  'PAID_AFTER_CANCELLATION',
  'BOOKING_NOT_PAYABLE',
] as const;
export type RefundRequestReason = (typeof REFUND_REQUEST_REASONS)[number];

export function isRefundRequest(reason: string): reason is RefundRequestReason {
  return (REFUND_REQUEST_REASONS as readonly string[]).includes(reason);
}

/** Known cancellation reasons in the traveller's words; anything else is shown as sent. */
const CANCEL_REASON: Record<string, string> = {
  CANCELLED_BY_USER: 'at your request',
  RELEASED_BY_USER: 'at your request',
  OTP_ATTEMPTS_EXCEEDED: 'too many wrong codes were entered',
};

/** The notice for a booking.cancelled event: a cancellation, or a refund notice when only a payment is returned. */
export function renderCancellation(data: EventDataOf<'booking.cancelled'>): OutgoingMessage[] {
  if (isRefundRequest(data.reason)) return renderRefundRequest(data, data.reason);
  const what = data.reference ? `booking ${data.reference}` : 'your booking';
  const refund =
    data.refundAmount > 0 ? ` A refund of ${formatTaka(data.refundAmount)} goes back to your original payment method.` : '';
  const why = CANCEL_REASON[data.reason] ?? data.reason;
  const text = `${BRAND}: ${what} has been cancelled (${why}). Its seats are released.${refund}`;
  const subject = `Cancelled: ${what}`;
  return both(
    data.contact,
    { kind: 'cancellation', body: text, logBody: text },
    { kind: 'cancellation', subject, body: `Dear ${data.contact.name ?? 'traveller'},\n\n${text}\n\n${BRAND}`, logBody: subject },
  );
}

function renderRefundRequest(data: EventDataOf<'booking.cancelled'>, reason: RefundRequestReason): OutgoingMessage[] {
  const booking = data.reference ? `booking ${data.reference}` : 'your booking';
  const amount = formatTaka(data.refundAmount);
  const payment = data.paymentId ? ` (payment ${data.paymentId.slice(0, 8)})` : '';
  const texts: Record<RefundRequestReason, { sentence: string; subject: string }> = {
    DUPLICATE_PAYMENT: {
      sentence: `we received a second payment of ${amount}${payment} for ${booking}; it will be refunded. Your booking stays confirmed and your ticket is valid.`,
      subject: `Second payment for ${booking} will be refunded`,
    },
    PAID_AFTER_EXPIRY: {
      sentence: `your hold on ${booking} expired before the payment of ${amount}${payment} arrived; the payment will be refunded. The seats were released; please book again.`,
      subject: `Hold expired: your payment of ${amount} will be refunded`,
    },
    PAID_AFTER_CANCELLATION: {
      sentence: `${booking} was already cancelled when the payment of ${amount}${payment} arrived; the payment will be refunded.`,
      subject: `Payment for a cancelled booking will be refunded`,
    },
    BOOKING_NOT_PAYABLE: {
      sentence: `the payment of ${amount}${payment} could not be applied to ${booking}; it will be refunded.`,
      subject: `Your payment of ${amount} will be refunded`,
    },
  };
  const { sentence, subject } = texts[reason];
  const text = `${BRAND}: ${sentence} It may take a few days to appear.`;
  return both(
    data.contact,
    { kind: 'refund', body: text, logBody: text },
    { kind: 'refund', subject, body: `Dear ${data.contact.name ?? 'traveller'},\n\n${text}\n\n${BRAND}`, logBody: subject },
  );
}

/**
 * The once-only key of a booking.cancelled notice: a redelivery (same booking, reason and payment) sends
 * nothing, while a later real cancellation of a booking that had a duplicate-payment notice still goes out.
 */
export function cancellationKey(data: Pick<EventDataOf<'booking.cancelled'>, 'bookingId' | 'reason' | 'paymentId'>): string {
  return `cancellation:${data.bookingId}:${data.reason}:${data.paymentId ?? 'none'}`;
}

export function renderRefund(data: EventDataOf<'payment.refunded'>): OutgoingMessage[] {
  const text = `${BRAND}: we have refunded ${formatTaka(data.amount)} for your booking (${data.reason}). Payment ${data.paymentId.slice(0, 8)}. It may take a few days to appear.`;
  const subject = `Refund of ${formatTaka(data.amount)}`;
  return both(
    data.contact,
    { kind: 'refund', body: text, logBody: text },
    { kind: 'refund', subject, body: `Dear ${data.contact.name ?? 'traveller'},\n\n${text}\n\n${BRAND}`, logBody: subject },
  );
}

/** booking.waitlist-offered: seats were given to the traveller, to pay for before the offer runs out. */
export function renderWaitlistOffer(data: EventDataOf<'booking.waitlist-offered'>): OutgoingMessage[] {
  const seats = data.seats.map(seatLabel).join(', ');
  const train = `${data.trainName} (${data.trainNumber}), ${formatDate(data.date)}, ${data.from}-${data.to}`;
  const text = `${BRAND}: seats freed up for you from the waitlist: ${seats} on ${train}, ${formatTaka(data.amount)}. They are held for you until ${formatTime(data.expiresAt)}: open My bookings to add passengers and pay, or they go to the next traveller.`;
  const subject = `Seats for you from the waitlist: ${data.trainName}, ${formatDate(data.date)}`;
  return both(
    data.contact,
    { kind: 'waitlist', body: text, logBody: text },
    { kind: 'waitlist', subject, body: `Dear ${data.contact.name ?? 'traveller'},\n\n${text}\n\n${BRAND}`, logBody: subject },
  );
}

/**
 * booking.waitlist-closed: a notice when the traveller did not end it themselves (cut-off, an offer that ran
 * out); none when they left or booked (the e-ticket says that).
 */
export function renderWaitlistClosed(data: EventDataOf<'booking.waitlist-closed'>): OutgoingMessage[] {
  const train = `${data.trainName} (${data.trainNumber}), ${formatDate(data.date)}, ${data.from}-${data.to}`;
  let sentence: string;
  if (data.reason === 'cut-off')
    sentence = `no seats freed up in time on ${train}; your place on the waitlist is closed as the train leaves soon.`;
  else if (data.reason === 'offer-expired')
    sentence = `the seats offered to you on ${train} were not paid for in time and have gone to the next traveller.`;
  else return [];
  const text = `${BRAND}: ${sentence}`;
  const subject = `Waitlist closed: ${data.trainName}, ${formatDate(data.date)}`;
  return both(
    data.contact,
    { kind: 'waitlist', body: text, logBody: text },
    { kind: 'waitlist', subject, body: `Dear ${data.contact.name ?? 'traveller'},\n\n${text}\n\n${BRAND}`, logBody: subject },
  );
}
