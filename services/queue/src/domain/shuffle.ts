/**
 * The pre-queue's draw: a uniform Fisher–Yates shuffle driven by a CSPRNG. In production the integers come from
 * node:crypto's randomInt (the OS's CSPRNG); tests pass a seed and get a deterministic stream from SHA-256 in
 * counter mode (a hash DRBG: still a CSPRNG, so a seeded draw is as unpredictable as its seed), with rejection
 * sampling so every index is exactly equally likely (no modulo bias).
 */
import { createHash, randomInt } from 'node:crypto';

/** A uniform integer in [0, max). */
export type RandomInt = (max: number) => number;

export function seededRandomInt(seed: string): RandomInt {
  let counter = 0;
  let pool = Buffer.alloc(0);
  const next32 = (): number => {
    if (pool.length < 4) {
      pool = Buffer.concat([pool, createHash('sha256').update(`${seed}:${counter++}`).digest()]);
    }
    const v = pool.readUInt32BE(0);
    pool = pool.subarray(4);
    return v;
  };
  return (max) => {
    if (!Number.isInteger(max) || max < 1 || max > 2 ** 32) throw new RangeError(`max must be an integer in 1..2^32, got ${max}`);
    // Largest multiple of max below 2^32: values past it would favour the low residues.
    const limit = 2 ** 32 - (2 ** 32 % max);
    for (;;) {
      const v = next32();
      if (v < limit) return v % max;
    }
  };
}

export const cryptoRandomInt: RandomInt = (max) => randomInt(max);

/** A shuffled copy: Fisher–Yates (Durstenfeld), each of the n! orders equally likely. */
export function shuffle<T>(items: readonly T[], random: RandomInt = cryptoRandomInt): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = random(i + 1);
    const tmp = out[i]!;
    out[i] = out[j]!;
    out[j] = tmp;
  }
  return out;
}
