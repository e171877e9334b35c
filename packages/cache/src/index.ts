/**
 * The one in-process cache: a bounded LRU (lru-cache) whose misses are loaded through its `fetchMethod`, so
 * concurrent gets of one key share a single load. Optional: a freshness TTL, negative caching of keys the
 * loader reports missing, and stale-if-error (when a reload fails, the last good value is served, marked
 * stale, for a bounded time; lru-cache keeps it through `noDeleteOnFetchRejection`).
 */
import { LRUCache } from 'lru-cache';

export interface LoadContext<V, C> {
  /** Whatever the caller passed to `get`/`lookup` (dependencies, a loader, the query behind the key). */
  context: C;
  /** The last value, if one is still held (expired or not). */
  previous: V | undefined;
  /** Aborted when the entry is dropped or the cache cleared; a load may ignore it. */
  signal: AbortSignal;
  /**
   * The value was made earlier (epoch ms), e.g. it was read from a shared cache: its freshness and
   * stale-if-error limit count from then. By default they count from when the load started.
   */
  producedAt(epochMs: number): void;
}

export interface CacheOptions<K, V, C> {
  /** At most this many keys are kept; the least recently used go first. */
  max: number;
  /**
   * How long a loaded value is fresh, in ms. Omitted: forever (immutable values). 0: never, so every get
   * loads again (concurrent gets still share one load) and the last value serves only stale-if-error.
   */
  ttlMs?: number;
  /** When a reload fails, serve the last good value, marked stale, while it is at most this old (ms). */
  staleIfErrorMs?: number;
  /** Remember for this long (ms) that the loader found nothing, so repeated misses cost nothing; 0: never. */
  notFoundTtlMs?: number;
  /** Loads one key; null or undefined means it does not exist. */
  load(key: K, ctx: LoadContext<V, C>): Promise<V | null | undefined>;
}

export interface Lookup<V> {
  /** null when the loader found nothing. */
  value: V | null;
  /** The load failed and this is the last good value. */
  stale: boolean;
  /** When the value was produced (epoch ms). */
  at: number;
}

/** `get(key)` without a context when C is undefined, `get(key, context)` otherwise. */
type ContextArg<C> = undefined extends C ? [context?: C] : [context: C];

export interface Cache<K, V, C = undefined> {
  /** The value (fresh, or stale after a failed reload); null when it does not exist; throws the load error otherwise. */
  get(key: K, ...context: ContextArg<C>): Promise<V | null>;
  /** As `get`, with whether the answer is stale and when it was produced. */
  lookup(key: K, ...context: ContextArg<C>): Promise<Lookup<V>>;
  /** The value if held and fresh (no I/O). */
  peek(key: K): V | undefined;
  delete(key: K): void;
  clear(): void;
  readonly size: number;
}

interface Entry<V> {
  value: V | null;
  at: number;
}

export function createCache<K extends NonNullable<unknown>, V, C = undefined>(options: CacheOptions<K, V, C>): Cache<K, V, C> {
  const { ttlMs, staleIfErrorMs = 0, notFoundTtlMs = 0 } = options;
  const alwaysReload = ttlMs === 0;

  // The context is typed at this module's surface; lru-cache just hands it through.
  const lru = new LRUCache<K, Entry<V>, unknown>({
    max: options.max,
    ...(ttlMs !== undefined && ttlMs > 0 ? { ttl: ttlMs } : {}),
    // A failed reload leaves the last value in place (stale-if-error reads it with peek); a key whose load
    // is still running when evicted still answers the callers waiting on it.
    noDeleteOnFetchRejection: staleIfErrorMs > 0,
    ignoreFetchAbort: true,
    fetchMethod: async (key, previous, { signal, options: fetchOptions, context }) => {
      const startedAt = Date.now();
      let at = startedAt;
      const value = await options.load(key, {
        context: context as C,
        previous: previous?.value ?? undefined,
        signal,
        producedAt: (epochMs) => {
          at = Math.min(epochMs, startedAt);
        },
      });
      if (value === null || value === undefined) {
        // Kept for a millisecond at least, so this answer replaces any earlier value rather than reviving it.
        fetchOptions.ttl = Math.max(1, notFoundTtlMs);
        return { value: null, at };
      }
      if (ttlMs !== undefined && ttlMs > 0) fetchOptions.ttl = Math.max(1, ttlMs - (Date.now() - at));
      return { value, at };
    },
  });

  async function lookup(key: K, context: C | undefined): Promise<Lookup<V>> {
    try {
      const entry = await lru.fetch(key, { context, forceRefresh: alwaysReload });
      if (!entry) throw new Error('cache load answered nothing');
      return { value: entry.value, stale: false, at: entry.at };
    } catch (err) {
      const last = staleIfErrorMs > 0 ? lru.peek(key, { allowStale: true }) : undefined;
      if (last && last.value !== null && Date.now() - last.at <= staleIfErrorMs)
        return { value: last.value, stale: true, at: last.at };
      throw err;
    }
  }

  return {
    lookup: (key, ...context) => lookup(key, context[0]),
    get: async (key, ...context) => (await lookup(key, context[0])).value,
    peek: (key) => (alwaysReload ? undefined : (lru.peek(key)?.value ?? undefined)),
    delete: (key) => {
      lru.delete(key);
    },
    clear: () => lru.clear(),
    get size() {
      return lru.size;
    },
  };
}
