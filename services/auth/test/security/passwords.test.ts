import { describe, expect, it } from 'vitest';
import { createPasswordHasher } from '../../src/security/passwords.js';

async function medianMs(fn: () => Promise<unknown>, runs = 7): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)] as number;
}

describe('createPasswordHasher', () => {
  it('hashes with argon2id and the configured cost, and verifies', async () => {
    const hasher = await createPasswordHasher({ memoryKiB: 8192, timeCost: 2 });
    const hash = await hasher.hash('Rail-Test#2026');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=8192,p=1,t=2\$/);
    expect(await hasher.verify(hash, 'Rail-Test#2026')).toBe(true);
    expect(await hasher.verify(hash, 'rail-test#2026')).toBe(false);
    expect(hasher.needsRehash(hash)).toBe(false);
    const stronger = await createPasswordHasher({ memoryKiB: 16384, timeCost: 2 });
    expect(stronger.needsRehash(hash)).toBe(true);
  });

  it('spends about as long on an unknown account as on a wrong password', async () => {
    const hasher = await createPasswordHasher({ memoryKiB: 16384, timeCost: 2 });
    const hash = await hasher.hash('Rail-Test#2026');
    const wrong = await medianMs(() => hasher.verify(hash, 'Wrong-password-1'));
    const unknown = await medianMs(() => hasher.verify(null, 'Wrong-password-1'));
    expect(await hasher.verify(null, 'Rail-Test#2026')).toBe(false);
    expect(unknown).toBeGreaterThan(wrong * 0.5);
    expect(unknown).toBeLessThan(wrong * 2);
  });

  it('treats a malformed stored hash as a failed login', async () => {
    const hasher = await createPasswordHasher({ memoryKiB: 4096, timeCost: 1 });
    expect(await hasher.verify('not-a-hash', 'whatever')).toBe(false);
  });
});
