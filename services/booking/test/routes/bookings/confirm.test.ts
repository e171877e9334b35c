/** POST /api/bookings/seats/confirm: passengers recorded on a live hold and the booking OTP sent through the outbox. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { EventData } from '@rail/contracts/events';
import { api, passengers } from '../../helpers/api.js';
import { makeInventory, seatPicker } from '../../helpers/fixtures.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

const trip = makeInventory(31);
const seat = seatPicker(trip);
let h: Harness;
const { call, hold } = api(() => h, 31);

beforeAll(async () => {
  h = await startHarness([trip]);
});
afterAll(() => h?.close());

describe('POST /api/bookings/seats/confirm', () => {
  it('records passengers and sends the OTP through the outbox (otp.requested), keeping only its hash', async () => {
    const id = await hold('flow-1', [seat(0), seat(1)]);
    const confirm = await call('flow-1', 'POST', '/api/bookings/seats/confirm', { bookingId: id, passengers: passengers(2) });
    expect(confirm.statusCode).toBe(200);
    const body = confirm.json();
    expect(body).toMatchObject({ bookingId: id, status: 'HELD', otpSentTo: '+88017*****678' });
    expect(body.devOtp).toMatch(/^\d{6}$/);
    const { rows } = await h.pool.query(
      `SELECT envelope FROM outbox WHERE type = 'otp.requested' AND envelope->'data'->>'bookingId' = $1`,
      [id],
    );
    expect(rows).toHaveLength(1);
    expect(Value.Check(EventData['otp.requested'], rows[0].envelope.data)).toBe(true);
    expect(rows[0].envelope.data).toMatchObject({ phone: '+8801712345678', purpose: 'booking', code: body.devOtp });
    const stored = await h.pool.query(`SELECT otp_hash, passengers FROM bookings WHERE id = $1`, [id]);
    expect(stored.rows[0].otp_hash).not.toContain(body.devOtp);
    expect(stored.rows[0].passengers).toEqual(passengers(2));
  });

  it("refuses bad confirm input: passenger count and shape, booking id, someone else's booking, no phone, no token", async () => {
    const id = await hold('flow-4', [seat(3), seat(4)]);
    const count = await call('flow-4', 'POST', '/api/bookings/seats/confirm', { bookingId: id, passengers: passengers(1) });
    expect(count.statusCode).toBe(400);
    expect(count.json().errors[0].field).toBe('body.passengers');
    const noName = await call('flow-4', 'POST', '/api/bookings/seats/confirm', {
      bookingId: id,
      passengers: [{ age: 3 }, { name: 'x' }],
    });
    expect(noName.statusCode).toBe(400);
    expect(noName.json().errors.map((e: { field: string }) => e.field)).toContain('body.passengers.0.name');
    const badId = await call('flow-4', 'POST', '/api/bookings/seats/confirm', { bookingId: 'nope', passengers: passengers(2) });
    expect(badId.statusCode).toBe(400);
    // someone else's booking does not exist for them
    const other = await call('intruder', 'POST', '/api/bookings/seats/confirm', { bookingId: id, passengers: passengers(2) });
    expect(other.statusCode).toBe(404);
    // no phone in the token: 400 naming it
    const token = await h.token('no-phone', { phone: undefined });
    const nophone = await h.app.inject({
      method: 'POST',
      url: '/api/bookings/seats/confirm',
      headers: { authorization: `Bearer ${token}` },
      payload: { bookingId: id, passengers: passengers(2) },
    });
    expect(nophone.statusCode).toBe(400);
    expect(nophone.json().code).toBe('PHONE_REQUIRED');
    expect(
      (await call(null, 'POST', '/api/bookings/seats/confirm', { bookingId: id, passengers: passengers(2) })).statusCode,
    ).toBe(401);
  });
});
