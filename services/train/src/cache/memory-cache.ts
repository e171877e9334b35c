/**
 * An in-process cache for immutable values (train layouts, trip inventories): bounded (least recently
 * used goes first), and concurrent misses for one key share a single load.
 */
export class MemoryCache<K, V> {
  private readonly values = new Map<K, V>();
  private readonly loading = new Map<K, Promise<V>>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.values.size;
  }

  async getOrLoad(key: K, load: () => Promise<V>): Promise<V> {
    const hit = this.values.get(key);
    if (hit !== undefined) {
      // Re-insert to mark as recently used (Map keeps insertion order).
      this.values.delete(key);
      this.values.set(key, hit);
      return hit;
    }
    const pending = this.loading.get(key);
    if (pending) return pending;
    const promise = load()
      .then((value) => {
        // Nullish results (not found) are not cached: the row may appear later.
        if (value !== null && value !== undefined) this.set(key, value);
        return value;
      })
      .finally(() => this.loading.delete(key));
    this.loading.set(key, promise);
    return promise;
  }

  private set(key: K, value: V): void {
    this.values.set(key, value);
    if (this.values.size > this.capacity) {
      const oldest = this.values.keys().next();
      if (!oldest.done) this.values.delete(oldest.value);
    }
  }
}
