/** Marks a key known to be absent from the store. */
const ABSENT: unique symbol = Symbol('absent');

/**
 * An in-process cache of parsed stored values for keys that only this process writes (the
 * store's premise: one gateway process per store, see `KeyedMutex`), so it can never be stale:
 * every write of a cached key goes through {@link write}, which updates the cache only once the
 * store has the value.
 *
 * **No stale fill.** A read that misses loads from the store and caches what it loaded only if
 * no write of any key started or ended while it was loading (a global write epoch): otherwise
 * a load that read the old value could cache it after a write had already cached the new one.
 *
 * **Sharing.** Cached values are handed to every reader, so readers must not mutate them; the
 * value passed to {@link write} is copied (the writer may go on changing its own object).
 *
 * **Absence.** With `rememberAbsence`, a key the store does not have is cached as such too
 * (under the same rules), for keys that are looked up again and again before they exist.
 *
 * Beyond `capacity`, the values cached longest ago are dropped (insertion order: a hit does not
 * reorder, which keeps hits to one map lookup).
 */
export class CoherentCache<V> {
  private readonly values = new Map<string, V | typeof ABSENT>();
  private epoch = 0;
  private writing = 0;

  constructor(
    private readonly capacity: number,
    private readonly rememberAbsence = false,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('cache capacity must be a positive integer');
  }

  /** The cached value of `key`, or what `load` returns (cached when safe, see the class docs). */
  async read(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const hit = this.values.get(key);
    if (hit !== undefined) return hit === ABSENT ? undefined : hit;
    const epoch = this.epoch;
    const value = await load();
    if (this.epoch === epoch && this.writing === 0) this.fill(key, value);
    return value;
  }

  /** Like {@link read} for several keys; `loadMany` gets only the keys not cached, in order. */
  async readMany(keys: readonly string[], loadMany: (missing: string[]) => Promise<Array<V | undefined>>): Promise<Array<V | undefined>> {
    const found: Array<V | undefined> = new Array<V | undefined>(keys.length);
    const missing: number[] = [];
    keys.forEach((key, i) => {
      const hit = this.values.get(key);
      if (hit === undefined) missing.push(i);
      else found[i] = hit === ABSENT ? undefined : hit;
    });
    if (missing.length === 0) return found;
    const epoch = this.epoch;
    const loaded = await loadMany(missing.map((i) => keys[i]!));
    const safe = this.epoch === epoch && this.writing === 0;
    missing.forEach((index, j) => {
      const value = loaded[j];
      found[index] = value;
      if (safe) this.fill(keys[index]!, value);
    });
    return found;
  }

  /**
   * Writes through: drops the cached value, runs `store`, and caches a copy of `value` once it
   * succeeded. If `store` fails, the key stays uncached (the next read loads whatever the
   * store holds).
   */
  async write(key: string, value: V, store: () => Promise<void>): Promise<void> {
    this.values.delete(key);
    this.epoch += 1;
    this.writing += 1;
    try {
      await store();
    } finally {
      this.writing -= 1;
      this.epoch += 1;
    }
    this.remember(key, structuredClone(value));
  }

  /** Drops `keys` around a deletion in the store (same guarantees as {@link write}). */
  async drop(keys: readonly string[], remove: () => Promise<void>): Promise<void> {
    for (const key of keys) this.values.delete(key);
    this.epoch += 1;
    this.writing += 1;
    try {
      await remove();
    } finally {
      this.writing -= 1;
      this.epoch += 1;
    }
    if (this.rememberAbsence) for (const key of keys) this.remember(key, ABSENT);
  }

  /** Drops everything around a bulk change of the store (same guarantees as {@link write}). */
  async dropAll(change: () => Promise<void>): Promise<void> {
    this.values.clear();
    this.epoch += 1;
    this.writing += 1;
    try {
      await change();
    } finally {
      this.writing -= 1;
      this.epoch += 1;
      this.values.clear();
    }
  }

  /** Number of cached values. */
  get size(): number {
    return this.values.size;
  }

  /** Caches what a load found, absence included when asked to. */
  private fill(key: string, value: V | undefined): void {
    if (value !== undefined) this.remember(key, value);
    else if (this.rememberAbsence) this.remember(key, ABSENT);
  }

  private remember(key: string, value: V | typeof ABSENT): void {
    this.values.delete(key);
    this.values.set(key, value);
    if (this.values.size > this.capacity) {
      const oldest = this.values.keys().next();
      if (!oldest.done) this.values.delete(oldest.value);
    }
  }
}
