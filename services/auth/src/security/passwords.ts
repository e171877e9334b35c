/**
 * Password hashing with argon2id. The argon2 package runs the hash on libuv's thread pool, so a login
 * never blocks the event loop. A dummy hash made with the same parameters is verified for unknown
 * accounts, so "no such user" and "wrong password" take the same time.
 */
import argon2 from 'argon2';

export interface Argon2Parameters {
  memoryKiB: number;
  timeCost: number;
}

export interface PasswordHasher {
  hash: (password: string) => Promise<string>;
  /** True when `password` matches `hash`; an unknown account passes `null` and still pays for one verification. */
  verify: (hash: string | null, password: string) => Promise<boolean>;
  /** True when `hash` was made with other parameters than today's (rehash it after a successful login). */
  needsRehash: (hash: string) => boolean;
}

export async function createPasswordHasher(params: Argon2Parameters): Promise<PasswordHasher> {
  const options = { type: argon2.argon2id, memoryCost: params.memoryKiB, timeCost: params.timeCost, parallelism: 1 } as const;
  const dummyHash = await argon2.hash(`dummy-${Math.random()}`, options);
  return {
    hash: (password) => argon2.hash(password, options),
    verify: async (hash, password) => {
      try {
        const ok = await argon2.verify(hash ?? dummyHash, password);
        return hash !== null && ok;
      } catch {
        // A malformed stored hash is a failed login, never a 500 that reveals the account exists.
        return false;
      }
    },
    needsRehash: (hash) => {
      try {
        return argon2.needsRehash(hash, options);
      } catch {
        return true;
      }
    },
  };
}
