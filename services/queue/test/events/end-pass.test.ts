/** booking.confirmed ends the buyer's pass (the consumer's handler, against the real Redis). */
import { afterAll, describe, expect, it } from 'vitest';
import { endPassOnPurchase } from '../../src/use-cases/end-pass.js';
import { deleteKeys, OPENS_AT, SALE, testClock, testDeps, testPrefix, testRedis } from '../helpers.js';

const redis = testRedis();
const prefix = testPrefix('end-pass');
afterAll(async () => {
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

const tick = (nowMs: number) => ({
  nowMs,
  graceMs: 60_000,
  active: true,
  reason: 'operator',
  rate: 10,
  activeShoppers: 100,
  passTtlMs: 600_000,
  seatsLeft: null,
  maxStepMs: 1_000,
  turnoverGuess: 1 / 120,
});

describe('a purchase ends the pass', () => {
  it('frees the admission slot at once, records the pass as ended, and a redelivery changes nothing', async () => {
    const clock = testClock(OPENS_AT + 1);
    const deps = testDeps(redis, prefix, clock);
    await deps.store.tick(SALE, tick(clock.now()));
    await deps.store.join(SALE, { userId: 'buyer', phone: '+8801700000001', nowMs: clock.now(), ruleOpensAtMs: OPENS_AT });
    clock.advance(500);
    expect((await deps.store.tick(SALE, tick(clock.now()))).admitted).toBe(1);
    expect(await endPassOnPurchase(deps, { userId: 'buyer', date: SALE })).toBe(true);
    expect((await deps.store.read(SALE)).active).toBe(0);
    expect(await redis.zcard(deps.store.keys(SALE).ended)).toBe(1);
    expect(await endPassOnPurchase(deps, { userId: 'buyer', date: SALE })).toBe(false);
    // A purchase for a date that has passed, or with no room, touches nothing.
    expect(await endPassOnPurchase(deps, { userId: 'buyer', date: '2026-01-01' })).toBe(false);
  });
});
