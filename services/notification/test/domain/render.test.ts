import { describe, expect, it } from 'vitest';
import type { EventDataOf } from '@rail/contracts/events';
import { cancellationKey, renderCancellation, renderOtp, renderRefund, renderTicket } from '../../src/domain/render.js';
import { confirmedBooking } from '../helpers.js';

const cancelled = (overrides: Partial<EventDataOf<'booking.cancelled'>> = {}): EventDataOf<'booking.cancelled'> => ({
  bookingId: '6f1c1c1e-8a4a-4c1e-9b1a-2f1d3c4b5a69',
  reference: 'K7M3QX',
  userId: 'u',
  contact: { phone: '+8801712345678', email: 'x@y.org', name: 'Rahim' },
  tripId: 42,
  seatIds: [1],
  reason: 'CANCELLED_BY_USER',
  paymentId: '7f1c1c1e-8a4a-4c1e-9b1a-2f1d3c4b5a69',
  refundAmount: 1530,
  ...overrides,
});

describe('rendering', () => {
  it('renders the OTP SMS to the +880 number with the code, and a log text without it', () => {
    const message = renderOtp({ phone: '01712345678', code: '493817', purpose: 'booking', expiresAt: '2026-04-08T01:05:00Z' });
    expect(message).toMatchObject({ kind: 'otp', channel: 'sms', to: '+8801712345678' });
    expect(message.body).toContain('493817');
    expect(message.body).toContain('confirm your booking');
    expect(message.body).toContain('07:05'); // Asia/Dhaka
    expect(message.logBody).not.toContain('493817');
  });

  it('renders the e-ticket with every detail a traveller and a checker need', () => {
    const booking = confirmedBooking();
    const [sms, email] = renderTicket(booking, 'RT1.payload.sig');
    expect(sms).toMatchObject({ kind: 'ticket', channel: 'sms', to: '+8801712345678', qr: 'RT1.payload.sig' });
    expect(email).toMatchObject({ kind: 'ticket', channel: 'email', to: 'rahim@example.com' });
    for (const text of [sms!.body, email!.body]) {
      for (const part of [
        'K7M3QX',
        'Subarna Express',
        '701',
        'Wed, 8 Apr 2026',
        'DHK',
        'CTG',
        '07:00',
        'KA-12',
        'KA-13',
        'BDT 1,530',
      ]) {
        expect(text).toContain(part);
      }
    }
    expect(email!.subject).toBe('E-ticket K7M3QX: Subarna Express, Wed, 8 Apr 2026');
    expect(email!.body).toContain('Rahim Uddin (age 34, male)');
    expect(email!.body).toContain('Karima Begum');
    expect(email!.body).toContain('RT1.payload.sig');
    expect(sms!.body).toContain('2 passengers');
  });

  it('sends only to the channels the contact has', () => {
    expect(renderTicket(confirmedBooking({ contact: { email: 'a@b.co' } }), 'qr').map((m) => m.channel)).toEqual(['email']);
    expect(renderTicket(confirmedBooking({ contact: {} }), 'qr')).toEqual([]);
  });

  it('renders cancellation and refund notices', () => {
    const [sms] = renderCancellation({
      bookingId: '6f1c1c1e-8a4a-4c1e-9b1a-2f1d3c4b5a69',
      reference: 'K7M3QX',
      userId: 'u',
      contact: { phone: '+8801712345678' },
      tripId: 42,
      seatIds: [1],
      reason: 'cancelled by the traveller',
      paymentId: '7f1c1c1e-8a4a-4c1e-9b1a-2f1d3c4b5a69',
      refundAmount: 1530,
    });
    expect(sms!.body).toContain('booking K7M3QX has been cancelled');
    expect(sms!.body).toContain('BDT 1,530');
    const [refund] = renderRefund({
      paymentId: '7f1c1c1e-8a4a-4c1e-9b1a-2f1d3c4b5a69',
      bookingId: '6f1c1c1e-8a4a-4c1e-9b1a-2f1d3c4b5a69',
      userId: 'u',
      amount: 765,
      reason: 'hold expired before payment',
      contact: { email: 'x@y.org' },
    });
    expect(refund).toMatchObject({ channel: 'email', to: 'x@y.org', subject: 'Refund of BDT 765' });
    expect(refund!.body).toContain('hold expired before payment');
  });

  it('a user cancellation says so in words, with the refund', () => {
    const [sms, email] = renderCancellation(cancelled());
    expect(sms).toMatchObject({ kind: 'cancellation', channel: 'sms' });
    expect(sms!.body).toContain('booking K7M3QX has been cancelled (at your request)');
    expect(sms!.body).toContain('A refund of BDT 1,530');
    expect(email).toMatchObject({ kind: 'cancellation', subject: 'Cancelled: booking K7M3QX' });
  });

  it('DUPLICATE_PAYMENT is a refund notice for the second payment, not a cancellation', () => {
    const messages = renderCancellation(cancelled({ reason: 'DUPLICATE_PAYMENT', refundAmount: 765 }));
    expect(messages.map((m) => m.kind)).toEqual(['refund', 'refund']);
    const [sms, email] = messages;
    expect(sms!.body).toContain(
      'we received a second payment of BDT 765 (payment 7f1c1c1e) for booking K7M3QX; it will be refunded',
    );
    expect(sms!.body).toContain('stays confirmed');
    expect(sms!.body).not.toMatch(/cancel/i);
    expect(email!.subject).toBe('Second payment for booking K7M3QX will be refunded');
    expect(email!.body).not.toMatch(/cancel/i);
  });

  it('PAID_AFTER_EXPIRY says the hold expired before the payment arrived and the payment is refunded', () => {
    const [sms, email] = renderCancellation(cancelled({ reason: 'PAID_AFTER_EXPIRY', reference: null }));
    expect(sms).toMatchObject({ kind: 'refund', channel: 'sms' });
    expect(sms!.body).toContain('your hold on your booking expired before the payment of BDT 1,530 (payment 7f1c1c1e) arrived');
    expect(sms!.body).toContain('the payment will be refunded');
    expect(sms!.body).not.toContain('has been cancelled');
    expect(email!.subject).toBe('Hold expired: your payment of BDT 1,530 will be refunded');
  });

  it('PAID_AFTER_CANCELLATION and BOOKING_NOT_PAYABLE are refund notices too', () => {
    const [afterCancel] = renderCancellation(cancelled({ reason: 'PAID_AFTER_CANCELLATION' }));
    expect(afterCancel).toMatchObject({ kind: 'refund' });
    expect(afterCancel!.body).toContain('booking K7M3QX was already cancelled when the payment of BDT 1,530');
    const [notPayable] = renderCancellation(cancelled({ reason: 'BOOKING_NOT_PAYABLE' }));
    expect(notPayable).toMatchObject({ kind: 'refund' });
    expect(notPayable!.body).toContain('could not be applied to booking K7M3QX; it will be refunded');
  });

  it('keys a notice by booking, reason and payment', () => {
    const duplicate = cancelled({ reason: 'DUPLICATE_PAYMENT', paymentId: '8f1c1c1e-8a4a-4c1e-9b1a-2f1d3c4b5a69' });
    expect(cancellationKey(duplicate)).toBe(cancellationKey({ ...duplicate }));
    expect(cancellationKey(duplicate)).not.toBe(cancellationKey(cancelled()));
    expect(cancellationKey(duplicate)).not.toBe(
      cancellationKey({ ...duplicate, paymentId: '9f1c1c1e-8a4a-4c1e-9b1a-2f1d3c4b5a69' }),
    );
    expect(cancellationKey(cancelled({ paymentId: null, reason: 'RELEASED_BY_USER' }))).toBe(
      'cancellation:6f1c1c1e-8a4a-4c1e-9b1a-2f1d3c4b5a69:RELEASED_BY_USER:none',
    );
  });
});
