import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, registration, uniquePhone, type TestContext } from '../helpers.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const register = (payload: unknown) => ctx.app.inject({ method: 'POST', url: '/api/auth/register', payload: payload as object });
const fields = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field).sort();

describe('POST /api/auth/register', () => {
  it('creates the user with a normalised e-mail and phone and an argon2id hash', async () => {
    const body = registration({ email: 'Karim.Mia@Example.COM', phone: '01812345670' });
    const res = await register(body);
    expect(res.statusCode).toBe(201);
    const { user } = res.json();
    expect(user).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Rahim Uddin',
      email: 'karim.mia@example.com',
      phone: '+8801812345670',
    });
    expect(res.body).not.toContain('password');
    const { rows } = await ctx.pool.query('SELECT password_hash FROM users WHERE id = $1', [user.id]);
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$/);
    expect(rows[0].password_hash).not.toContain(body.password);
  });

  it('accepts the +880 form of the phone number', async () => {
    const res = await register(registration({ phone: '+8801512345671' }));
    expect(res.statusCode).toBe(201);
    expect(res.json().user.phone).toBe('+8801512345671');
  });

  it('answers 409 naming the e-mail when it is already registered, whatever its case', async () => {
    await register(registration({ email: 'taken@example.com' }));
    const res = await register(registration({ email: 'TAKEN@example.com' }));
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      code: 'EMAIL_TAKEN',
      errors: [{ field: 'body.email', message: 'is already registered' }],
    });
  });

  it('answers 409 naming the phone when it is already registered in the other form', async () => {
    await register(registration({ phone: '01612345672' }));
    const res = await register(registration({ phone: '+8801612345672' }));
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'PHONE_TAKEN', errors: [{ field: 'body.phone' }] });
  });

  it('lets exactly one of several simultaneous registrations of one e-mail through', async () => {
    const email = 'race@example.com';
    const results = await Promise.all(Array.from({ length: 6 }, () => register(registration({ email }))));
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes).toEqual([201, 409, 409, 409, 409, 409]);
    const { rows } = await ctx.pool.query('SELECT count(*)::int AS n FROM users WHERE email = $1', [email]);
    expect(rows[0].n).toBe(1);
  });

  it.each([
    ['an operator digit of 2', '01212345678'],
    ['a short number', '0171234567'],
    ['a foreign number', '+447700900123'],
  ])('answers 400 naming the phone for %s', async (_label, phone) => {
    const res = await register(registration({ phone }));
    expect(res.statusCode).toBe(400);
    expect(fields(res.json())).toEqual(['body.phone']);
  });

  it('answers 400 naming the e-mail when it is not an address', async () => {
    const res = await register(registration({ email: 'not-an-email' }));
    expect(res.statusCode).toBe(400);
    expect(fields(res.json())).toEqual(['body.email']);
  });

  it.each([
    ['too short', 'Ab1!x'],
    ['all letters', 'onlylettershere'],
    ['all digits', '90817263541'],
    ['a common password', 'Password123'],
  ])('answers 400 naming the password when it is %s', async (_label, password) => {
    const res = await register(registration({ password }));
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
    expect(fields(res.json())).toEqual(['body.password']);
  });

  it('names every missing field at once and writes nothing', async () => {
    const res = await register({ password: 'x' });
    expect(res.statusCode).toBe(400);
    expect(fields(res.json())).toEqual(['body.email', 'body.name', 'body.phone']);
  });

  it('names every domain problem at once', async () => {
    const res = await register({ name: '   ', email: 'ok@example.com', phone: uniquePhone(), password: 'short' });
    expect(res.statusCode).toBe(400);
    expect(fields(res.json())).toEqual(['body.name', 'body.password']);
    const { rows } = await ctx.pool.query("SELECT 1 FROM users WHERE email = 'ok@example.com'");
    expect(rows).toHaveLength(0);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      headers: { 'content-type': 'application/json' },
      payload: '{"name":',
    });
    expect(res.statusCode).toBe(400);
  });
});
