/**
 * The waiting room as booking sees it, with the active rooms given in memory and a movable clock: nothing is
 * active before the first poll; an active date's pass is checked (missing, wrong user, wrong date, expired,
 * valid) and other dates need none; a failed poll keeps the rooms; a room with a past `until` is over.
 */
import { parsePassKeys, signPass, type ActiveRooms } from '@rail/queue-pass';
import { afterEach, describe, expect, it } from 'vitest';
import { createWaitingRoom, type WaitingRoom } from '../../src/waiting-room/waiting-room.js';

const keys = parsePassKeys(`k1:${'z'.repeat(40)}`);
const T0 = Date.parse('2026-03-25T02:00:00Z');
const logger = { warn: () => undefined };
let room: WaitingRoom | undefined;
afterEach(() => room?.stop());

function setup(answers: (() => ActiveRooms)[]) {
  let now = T0;
  let next = 0;
  room = createWaitingRoom({
    keys,
    logger,
    intervalMs: 60_000,
    now: () => now,
    fetchActive: async () => {
      const answer = answers[Math.min(next++, answers.length - 1)]!;
      return answer();
    },
  });
  return { room, advance: (ms: number) => void (now += ms) };
}

describe('createWaitingRoom', () => {
  it('knows no active room before its first poll', () => {
    const { room } = setup([() => ({ rooms: [{ date: '2026-04-01' }] })]);
    expect(room.anyActive()).toBe(false);
    expect(room.refusal('2026-04-01', 'u1', undefined)).toBeNull();
  });

  it("checks the pass of an active date only: missing, another user's, another date's, expired, then a valid one", async () => {
    const { room, advance } = setup([() => ({ rooms: [{ date: '2026-04-01' }] })]);
    await room.start();
    expect(room.anyActive()).toBe(true);
    const valid = signPass(keys, { sub: 'u1', sale: '2026-04-01', expMs: T0 + 60_000 });
    expect(room.refusal('2026-04-01', 'u1', undefined)).toBe('missing');
    expect(room.refusal('2026-04-01', 'u1', '')).toBe('missing');
    expect(room.refusal('2026-04-01', 'u2', valid)).toBe('wrong-user');
    expect(room.refusal('2026-04-01', 'u1', signPass(keys, { sub: 'u1', sale: '2026-04-02', expMs: T0 + 60_000 }))).toBe(
      'wrong-sale',
    );
    expect(room.refusal('2026-04-01', 'u1', valid)).toBeNull();
    expect(room.refusal('2026-04-02', 'u1', undefined)).toBeNull();
    advance(60_000);
    expect(room.refusal('2026-04-01', 'u1', valid)).toBe('expired');
  });

  it('keeps the last known rooms when a poll fails, and ends a room whose `until` has passed', async () => {
    let fail = false;
    const { room, advance } = setup([
      () => {
        if (fail) throw new Error('queue service unreachable');
        return { rooms: [{ date: '2026-04-01' }, { date: '2026-04-02', until: new Date(T0 + 1_000).toISOString() }] };
      },
    ]);
    await room.start();
    fail = true;
    room.stop();
    await room.start();
    expect(room.isActive('2026-04-01')).toBe(true);
    expect(room.isActive('2026-04-02')).toBe(true);
    advance(1_000);
    expect(room.isActive('2026-04-02')).toBe(false);
    expect(room.anyActive()).toBe(true);
  });

  it('is not active anywhere once the queue service says no room is', async () => {
    const { room } = setup([() => ({ rooms: [{ date: '2026-04-01' }] }), () => ({ rooms: [] })]);
    await room.start();
    room.stop();
    await room.start();
    expect(room.anyActive()).toBe(false);
    expect(room.refusal('2026-04-01', 'u1', undefined)).toBeNull();
  });
});
