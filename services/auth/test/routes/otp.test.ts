import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertEventData } from '@rail/messaging';
import { createTestContext, registration, uniquePhone, type TestContext } from '../helpers.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ OTP_DEV_ECHO: 'true', OTP_MAX_SENDS_PER_ADDRESS: '4' });
});
afterAll(() => ctx.close());

let address = 0;
/** A fresh client address per test, so the per-address send limit only bites where it is tested. */
function client() {
  address += 1;
  const headers = { 'x-forwarded-for': `203.0.113.${address}` };
  return {
    request: (payload: object) => ctx.app.inject({ method: 'POST', url: '/api/auth/otp/request', headers, payload }),
    verify: (payload: object) => ctx.app.inject({ method: 'POST', url: '/api/auth/otp/verify', headers, payload }),
  };
}

describe('POST /api/auth/otp/request', () => {
  it('stores only an HMAC of the code and writes an otp.requested event in the outbox', async () => {
    const phone = uniquePhone();
    const res = await client().request({ phone, purpose: 'login' });
    expect(res.statusCode).toBe(202);
    const body = res.json();
    expect(body).toEqual({ requestId: expect.any(String), expiresIn: 300, devCode: expect.stringMatching(/^\d{6}$/) });

    const { rows } = await ctx.pool.query(
      'SELECT code_hash, phone, expires_at - created_at AS life FROM otp_requests WHERE id = $1',
      [body.requestId],
    );
    expect(rows[0].phone).toBe(`+88${phone}`);
    expect(rows[0].code_hash.length).toBe(32);
    expect(rows[0].code_hash.toString('hex')).not.toContain(Buffer.from(body.devCode).toString('hex'));
    expect(rows[0].life.minutes).toBe(5);

    const events = await ctx.pool.query(
      "SELECT envelope FROM outbox WHERE type = 'otp.requested' AND envelope->'data'->>'requestId' = $1",
      [body.requestId],
    );
    expect(events.rows).toHaveLength(1);
    const data = events.rows[0].envelope.data;
    assertEventData('otp.requested', data);
    expect(data).toMatchObject({ phone: `+88${phone}`, purpose: 'login', code: body.devCode });
  });

  it('allows one send per phone per minute, whichever form the number is written in (429 with Retry-After)', async () => {
    const phone = uniquePhone();
    const c = client();
    expect((await c.request({ phone, purpose: 'login' })).statusCode).toBe(202);
    const again = await c.request({ phone: `+88${phone}`, purpose: 'register' });
    expect(again.statusCode).toBe(429);
    expect(again.json().code).toBe('OTP_RESEND_TOO_SOON');
    const retryAfter = Number(again.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(55);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Only one event left for the phone: the refused request sent nothing.
    const { rows } = await ctx.pool.query("SELECT count(*)::int AS n FROM outbox WHERE envelope->'data'->>'phone' = $1", [
      `+88${phone}`,
    ]);
    expect(rows[0].n).toBe(1);
    expect((await c.request({ phone: uniquePhone(), purpose: 'login' })).statusCode).toBe(202);
  });

  it('limits how many codes one client address can ask for', async () => {
    const c = client();
    for (let i = 0; i < 4; i++) expect((await c.request({ phone: uniquePhone(), purpose: 'login' })).statusCode).toBe(202);
    const res = await c.request({ phone: uniquePhone(), purpose: 'login' });
    expect(res.statusCode).toBe(429);
    expect(res.json().code).toBe('OTP_RATE_LIMITED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('answers 400 naming the phone or the purpose when they are invalid', async () => {
    const res = await client().request({ phone: '01112345678', purpose: 'spam' });
    expect(res.statusCode).toBe(400);
    const fields = new Set(res.json().errors.map((e: { field: string }) => e.field));
    expect([...fields].sort()).toEqual(['body.phone', 'body.purpose']);
  });

  it('does not echo the code unless OTP_DEV_ECHO is on', async () => {
    const quiet = await createTestContext({ OTP_DEV_ECHO: 'false' }, ctx.database);
    try {
      const res = await quiet.app.inject({
        method: 'POST',
        url: '/api/auth/otp/request',
        payload: { phone: uniquePhone(), purpose: 'login' },
      });
      expect(res.statusCode).toBe(202);
      expect(res.json().devCode).toBeUndefined();
    } finally {
      await quiet.close();
    }
  });
});

describe('POST /api/auth/otp/verify', () => {
  async function sendCode(purpose = 'login', phone = uniquePhone()) {
    const c = client();
    const body = (await c.request({ phone, purpose })).json() as { requestId: string; devCode: string };
    return { ...c, ...body };
  }
  const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  it('accepts the right code once', async () => {
    const otp = await sendCode();
    const res = await otp.verify({ requestId: otp.requestId, code: otp.devCode });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ verified: true, purpose: 'login' });
    const again = await otp.verify({ requestId: otp.requestId, code: otp.devCode });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('OTP_ALREADY_USED');
  });

  it('allows at most 5 attempts: wrong codes count down, then even the right code is refused', async () => {
    const otp = await sendCode();
    for (let left = 4; left >= 0; left--) {
      const res = await otp.verify({ requestId: otp.requestId, code: wrongCode(otp.devCode) });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'OTP_INVALID', attemptsLeft: left, errors: [{ field: 'body.code' }] });
    }
    const res = await otp.verify({ requestId: otp.requestId, code: otp.devCode });
    expect(res.statusCode).toBe(429);
    expect(res.json().code).toBe('OTP_ATTEMPTS_EXCEEDED');
    expect(res.headers['retry-after']).toBeDefined();
  });

  it('counts simultaneous wrong guesses without losing any', async () => {
    const otp = await sendCode();
    const guesses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        otp.verify({ requestId: otp.requestId, code: wrongCode(String(Number(otp.devCode) + i)) }),
      ),
    );
    expect(guesses.filter((g) => g.statusCode === 400)).toHaveLength(5);
    expect(guesses.filter((g) => g.statusCode === 429)).toHaveLength(3);
    const { rows } = await ctx.pool.query('SELECT attempts FROM otp_requests WHERE id = $1', [otp.requestId]);
    expect(rows[0].attempts).toBe(5);
  });

  it('refuses an expired code with 410', async () => {
    const otp = await sendCode();
    await ctx.pool.query("UPDATE otp_requests SET expires_at = now() - interval '1 second' WHERE id = $1", [otp.requestId]);
    const res = await otp.verify({ requestId: otp.requestId, code: otp.devCode });
    expect(res.statusCode).toBe(410);
    expect(res.json().code).toBe('OTP_EXPIRED');
  });

  it('answers 404 for an unknown request and 400 naming a malformed code', async () => {
    const c = client();
    const unknown = await c.verify({ requestId: '00000000-0000-4000-8000-000000000000', code: '123456' });
    expect(unknown.statusCode).toBe(404);
    const malformed = await c.verify({ requestId: 'nope', code: '12ab' });
    expect(malformed.statusCode).toBe(400);
    expect(
      malformed
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['body.code', 'body.requestId']);
  });

  it('marks a registered phone as verified when a register code is confirmed', async () => {
    const account = registration();
    await ctx.app.inject({ method: 'POST', url: '/api/auth/register', payload: account });
    const otp = await sendCode('register', account.phone);
    expect((await otp.verify({ requestId: otp.requestId, code: otp.devCode })).statusCode).toBe(200);
    const { rows } = await ctx.pool.query('SELECT phone_verified_at FROM users WHERE phone = $1', [`+88${account.phone}`]);
    expect(rows[0].phone_verified_at).toBeInstanceOf(Date);
  });
});
