/** The shared in-process cache: single-flight loads, TTL, size bound, negative caching and stale-if-error. */
import { describe, expect, it } from 'vitest';
import { createCache } from '../src/index.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A loader that counts its calls and answers from a table (missing key: null). */
function counting(values: Record<string, string | null>, delayMs = 0) {
  const calls: string[] = [];
  return {
    calls,
    load: async (key: string) => {
      calls.push(key);
      if (delayMs > 0) await sleep(delayMs);
      return values[key] ?? null;
    },
  };
}

describe('createCache', () => {
  it('shares one load between concurrent gets of a key, then serves it from memory', async () => {
    const source = counting({ a: 'A' }, 30);
    const cache = createCache<string, string>({ max: 10, load: source.load });
    const values = await Promise.all(Array.from({ length: 20 }, () => cache.get('a')));
    expect(values).toEqual(Array(20).fill('A'));
    expect(await cache.get('a')).toBe('A');
    expect(cache.peek('a')).toBe('A');
    expect(source.calls).toEqual(['a']);
  });

  it('loads again once the TTL has passed', async () => {
    let n = 0;
    const cache = createCache<string, number>({ max: 10, ttlMs: 60, load: async () => ++n });
    expect(await cache.get('k')).toBe(1);
    expect(await cache.get('k')).toBe(1);
    await sleep(90);
    expect(cache.peek('k')).toBeUndefined();
    expect(await cache.get('k')).toBe(2);
  });

  it('with a TTL of 0 loads on every get, yet concurrent gets share one load', async () => {
    let n = 0;
    const cache = createCache<string, number>({
      max: 10,
      ttlMs: 0,
      load: async () => {
        await sleep(20);
        return ++n;
      },
    });
    expect(await Promise.all([cache.get('k'), cache.get('k'), cache.get('k')])).toEqual([1, 1, 1]);
    expect(await cache.get('k')).toBe(2);
    expect(cache.peek('k')).toBeUndefined();
  });

  it('keeps at most `max` keys, dropping the least recently used', async () => {
    const source = counting({ 1: 'a', 2: 'b', 3: 'c' });
    const cache = createCache<string, string>({ max: 2, load: source.load });
    await cache.get('1');
    await cache.get('2');
    await cache.get('1'); // 1 is now the most recent
    await cache.get('3'); // evicts 2
    expect(cache.size).toBe(2);
    expect(cache.peek('2')).toBeUndefined();
    expect(await cache.get('1')).toBe('a');
    expect(await cache.get('2')).toBe('b');
    expect(source.calls).toEqual(['1', '2', '3', '2']);
  });

  it('does not remember a missing value unless negative caching is on', async () => {
    const table: Record<string, string | null> = { k: null };
    const plain = createCache<string, string>({ max: 10, load: async (key) => table[key] ?? null });
    expect(await plain.get('k')).toBeNull();
    await sleep(5);
    table.k = 'now there';
    expect(await plain.get('k')).toBe('now there');
  });

  it('remembers a missing value for notFoundTtlMs, then asks again', async () => {
    const source = counting({});
    const cache = createCache<string, string>({ max: 10, notFoundTtlMs: 80, load: source.load });
    expect(await Promise.all([cache.get('x'), cache.get('x')])).toEqual([null, null]);
    expect(await cache.get('x')).toBeNull();
    expect(source.calls).toEqual(['x']);
    await sleep(110);
    expect(await cache.get('x')).toBeNull();
    expect(source.calls).toEqual(['x', 'x']);
  });

  it('does not cache a failed load: every waiting caller sees the error, and the next get tries again', async () => {
    let fail = true;
    const cache = createCache<string, string>({
      max: 10,
      load: async () => {
        await sleep(10);
        if (fail) throw new Error('source down');
        return 'ok';
      },
    });
    const results = await Promise.allSettled([cache.get('k'), cache.get('k')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await cache.get('k')).toBe('ok');
  });

  it('serves the last good value, marked stale, when a reload fails, within staleIfErrorMs only', async () => {
    let fail = false;
    let n = 0;
    const cache = createCache<string, number>({
      max: 10,
      ttlMs: 0,
      staleIfErrorMs: 150,
      load: async () => {
        if (fail) throw new Error('source down');
        return ++n;
      },
    });
    const first = await cache.lookup('k');
    expect(first).toMatchObject({ value: 1, stale: false });
    fail = true;
    const during = await Promise.all([cache.lookup('k'), cache.lookup('k')]);
    expect(during).toEqual([
      { value: 1, stale: true, at: first.at },
      { value: 1, stale: true, at: first.at },
    ]);
    await expect(cache.lookup('never-loaded')).rejects.toThrow('source down');
    await sleep(180);
    await expect(cache.lookup('k')).rejects.toThrow('source down');
    fail = false;
    expect(await cache.lookup('k')).toMatchObject({ value: 2, stale: false });
  });

  it('counts freshness and the stale limit from producedAt when the loader says the value is older', async () => {
    const cache = createCache<string, string>({
      max: 10,
      ttlMs: 100,
      load: async (_key, ctx) => {
        ctx.producedAt(Date.now() - 80);
        return 'from a shared tier';
      },
    });
    const first = await cache.lookup('k');
    expect(Date.now() - first.at).toBeGreaterThanOrEqual(80);
    expect(cache.peek('k')).toBe('from a shared tier');
    await sleep(40); // 120 ms after it was produced: no longer fresh
    expect(cache.peek('k')).toBeUndefined();
  });

  it('passes the caller context to the loader', async () => {
    const cache = createCache<number, string, { prefix: string }>({
      max: 10,
      load: async (key, { context }) => `${context.prefix}${key}`,
    });
    expect(await cache.get(7, { prefix: 'trip-' })).toBe('trip-7');
  });
});
