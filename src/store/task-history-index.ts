import type { Keyv } from 'keyv';
import { GenerationMode, type VideoModel } from '../domain/generation-mode';
import type { ServiceTier, VideoResolution } from '../domain/generation-options';
import { VideoTaskStatus } from '../domain/task-status';
import { CoherentCache } from './coherent-cache';
import { packedMode, packedStatus, packFacts, unpackFacts, withStatus } from './history-entry-codes';
import { KeyedMutex } from './keyed-mutex';
import { StoredDataError } from './stored-data-error';

/**
 * One task in its client's history, as the index keeps it: its position, its status (kept in
 * step with the task, see {@link TaskHistoryIndex.setStatus}) and the fixed facts filters and
 * usage reports group by, so that neither needs to read the task itself.
 */
export interface HistoryEntry {
  createdAtMs: number;
  taskId: string;
  status: VideoTaskStatus;
  mode: GenerationMode;
  model: VideoModel;
  resolution: VideoResolution;
  serviceTier: ServiceTier;
}

/** Where an entry sits: the history is ordered by creation time, then task id. */
export type HistoryKey = Pick<HistoryEntry, 'createdAtMs' | 'taskId'>;

/** Orders history keys: by creation time, then by task id (code units). */
export function compareHistoryKeys(a: HistoryKey, b: HistoryKey): number {
  if (a.createdAtMs !== b.createdAtMs) return a.createdAtMs - b.createdAtMs;
  return a.taskId < b.taskId ? -1 : a.taskId > b.taskId ? 1 : 0;
}

/** What {@link TaskHistoryIndex.newestFirst} walks over; every bound is optional. */
export interface HistoryWalk {
  /** Only entries strictly older than this key (a page cursor). */
  before?: HistoryKey;
  /** Only entries created at or after this instant. */
  createdFromMs?: number;
  /** Only entries created strictly before this instant. */
  createdBeforeMs?: number;
  /** Only these statuses (absent: any). */
  statuses?: ReadonlySet<VideoTaskStatus>;
  /** Only these modes (absent: any). */
  modes?: ReadonlySet<GenerationMode>;
}

/** A client that has a history, and a lower bound of its oldest entry's creation time. */
export interface HistoryClient {
  clientId: string;
  firstCreatedAtMs: number;
}

/** The two `Keyv` namespaces of a {@link TaskHistoryIndex}. */
export interface TaskHistoryIndexStores {
  /** {@link HISTORY_NAMESPACES}.history: heads and chunks (see the class docs). */
  history: Keyv;
  /** {@link HISTORY_NAMESPACES}.clients: key = client id. Must support `iterator()`. */
  clients: Keyv;
}

/** Namespace names of the history index. */
export const HISTORY_NAMESPACES = { history: 'task_history', clients: 'history_clients' } as const;

/** Entries per chunk before the next one is started; a chunk that reaches twice this is split (see the class docs). */
export const HISTORY_CHUNK_SIZE = 200;

/**
 * Stored entry: [createdAtMs, taskId, packed facts (see `history-entry-codes`)]; arrays and
 * codes keep a chunk small to parse (about 40 bytes an entry).
 */
type StoredEntry = [number, string, number];
/**
 * Per chunk, in the head, in creation-time order: [lower bound of its range (see invariant 2),
 * filter bits present, chunk id].
 */
type ChunkSummary = [number, number, number];
interface StoredHead {
  v: 1;
  /** Next unused chunk id: ids are never reused, so a chunk key always means one chunk. */
  nextId: number;
  chunks: ChunkSummary[];
}
interface StoredChunk {
  v: 1;
  /** Upper end (exclusive) of the range the head gave this chunk when it was written; null: unbounded. */
  hi: number | null;
  entries: StoredEntry[];
}
interface StoredClient {
  v: 1;
  firstCreatedAtMs: number;
}

/**
 * A chunk as read: its stored entries (oldest first; shared through the cache, never to be
 * changed) and the index bounds [from, to) of those within the head's range for it.
 */
interface ReadChunk {
  entries: readonly StoredEntry[];
  from: number;
  to: number;
  /** The chunk was narrowed (split) after this head was read: re-read the head. */
  stale: boolean;
}

const STATUSES = Object.values(VideoTaskStatus);
const MODES = Object.values(GenerationMode);

/** Filter bits of a chunk summary: one per status, then one per mode. */
function statusBit(status: VideoTaskStatus): number {
  return 1 << STATUSES.indexOf(status);
}
function modeBit(mode: GenerationMode): number {
  return 1 << (STATUSES.length + MODES.indexOf(mode));
}
function entryBits(entry: StoredEntry): number {
  return statusBit(packedStatus(entry[2])!) | modeBit(packedMode(entry[2])!);
}
function bitsOf(entries: readonly StoredEntry[]): number {
  return entries.reduce((bits, entry) => bits | entryBits(entry), 0);
}
function setBits<T>(values: ReadonlySet<T> | undefined, bit: (value: T) => number): number | undefined {
  if (!values) return undefined;
  let bits = 0;
  for (const value of values) bits |= bit(value);
  return bits;
}

function toEntry(stored: StoredEntry): HistoryEntry {
  // Codes were checked when the chunk was parsed.
  return { createdAtMs: stored[0], taskId: stored[1], ...unpackFacts(stored[2])! };
}
function toStored(entry: HistoryEntry): StoredEntry {
  return [entry.createdAtMs, entry.taskId, packFacts(entry)];
}
function compareStored(a: StoredEntry, b: StoredEntry): number {
  return compareHistoryKeys({ createdAtMs: a[0], taskId: a[1] }, { createdAtMs: b[0], taskId: b[1] });
}

const headKey = (clientId: string): string => `head:${clientId}`;
// The number first, so no client id (whatever it contains) can make two keys collide.
const chunkKey = (clientId: string, chunkId: number): string => `chunk:${chunkId}:${clientId}`;
/** Cache key of a client's bound (another namespace than heads and chunks, so its own prefix). */
const clientCacheKey = (clientId: string): string => `client:${clientId}`;
/** Written last by {@link TaskHistoryIndex.rebuild}: the index covers every task of the store. */
const BUILT_KEY = 'meta:built';
/** Parsed heads, chunks and client bounds kept in process (about 7 KB a chunk at the default size). */
const CACHE_CAPACITY = 1024;
/** Head re-reads one walk may make because of concurrent splits before it gives up (never reached in practice). */
const MAX_HEAD_REFRESHES = 100;

/** Range of the chunk at `position` by the head: [lo, hi), lo -Infinity for the first, hi Infinity for the last. */
function rangeOf(head: StoredHead, position: number): { lo: number; hi: number } {
  return { lo: position === 0 ? -Infinity : head.chunks[position]![0], hi: head.chunks[position + 1]?.[0] ?? Infinity };
}

/**
 * Every client's task history, newest first, on keyv (which has neither range queries nor
 * ordered keys): a per-client **chunked sorted list**, a small B-tree of one level.
 *
 * **Layout.** A client's entries, sorted by (createdAtMs, taskId), are cut into chunks
 * `chunk:<id>:<client>` of about {@link HISTORY_CHUNK_SIZE}; the head `head:<client>` lists the
 * chunks in order with, per chunk, the lower end of its time range and the set of statuses
 * and modes in it (bits). A page reads the head, the one or two chunks it starts in, then its
 * tasks, so its cost depends on the page size, not on the number of tasks in the store.
 * Chunks before a time bound, or without any entry of the statuses/modes asked for, are
 * skipped unread.
 *
 * **Growth.** Tasks arrive nearly in creation order, so a new entry normally lands in the
 * last chunk, and a full last chunk is followed by a new one (no rewrite of the old one). An
 * entry that belongs further back (an import, a clock step) goes into the chunk whose range
 * holds it; a chunk that reaches twice the size is split in two at a millisecond boundary.
 *
 * **Invariants.** (1) All entries with one creation millisecond are in one chunk, and the
 * head's ranges are ordered and disjoint. (2) The chunk at position p holds the entries in
 * [lower end of p, lower end of p+1) (the first chunk from -Infinity, the last to Infinity);
 * a binary search over the head finds the one chunk for an instant. Entries a chunk holds
 * outside its head range (left by a split cut short) are ignored by everyone. (3) The head's
 * bits of a chunk include every status and mode in its range (a superset).
 *
 * **Crash ordering.** Each change is a few single-key writes, ordered so that a crash between
 * any two leaves the invariants true: bits that *widen* are written to the head before the
 * chunk, bits that *narrow* after it; a new chunk is written before the head that makes it
 * reachable (until then it is an unreachable leftover). A split writes the upper half as a
 * new chunk, then the head, then the shortened old chunk: cut short after the head write,
 * the old chunk still holds the upper half, which its new range excludes.
 *
 * **Readers** take no lock. Each chunk stores the upper end its range had when written; a
 * reader holding a head older than a split finds the chunk's upper end below the head's,
 * re-reads the head and resumes after the last entry it saw (positions are keys, so nothing
 * is skipped or repeated). Entries never refer to a task that did not exist *and was not
 * about to*: the repository adds an entry before writing its task and removes it if that
 * fails (see `IndexedTaskRepository`), and readers skip entries whose task they cannot find.
 *
 * **Locking.** Changes to one client's history are read-modify-writes of its head and chunks,
 * serialized by a per-client in-process lock, like the task repository's updates (one
 * gateway process per store). No aggregate is ever read-modify-written here.
 *
 * **Caching.** Readers get parsed heads, chunks and client bounds from a {@link CoherentCache}
 * (every write goes through it, which one process per store makes sufficient); writers read
 * the store itself, under their lock.
 *
 * **Clients.** `history_clients` has one key per client with a lower bound of its oldest
 * entry, so an admin report can list clients (a scan of that small namespace, not of tasks)
 * and skip time before their first task.
 */
export class TaskHistoryIndex {
  private readonly locks = new KeyedMutex();
  private readonly cache = new CoherentCache<StoredHead | StoredChunk | StoredClient>(CACHE_CAPACITY);
  private readonly history: Keyv;
  private readonly clientsKeyv: Keyv;

  /** @throws Error when the clients namespace cannot be enumerated */
  constructor(
    stores: TaskHistoryIndexStores,
    private readonly chunkSize: number = HISTORY_CHUNK_SIZE,
  ) {
    if (typeof stores.clients.iterator !== 'function') throw new Error('the history client list needs a keyv adapter that supports iterator()');
    if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new RangeError('history chunk size must be a positive integer');
    this.history = stores.history;
    this.clientsKeyv = stores.clients;
  }

  /**
   * Adds the entry, or replaces the one with its task id (same creation time). Idempotent:
   * putting the same entry twice leaves one.
   */
  async put(clientId: string, entry: HistoryEntry): Promise<void> {
    const stored = toStored(entry);
    await this.locks.run(clientId, async () => {
      const client = await this.readClient(clientId, true);
      // Written first: the client's lower bound must hold before any entry exists below it.
      if (!client || client.firstCreatedAtMs > entry.createdAtMs) {
        const value: StoredClient = { v: 1, firstCreatedAtMs: entry.createdAtMs };
        await this.cache.write(clientCacheKey(clientId), value, () => this.write(this.clientsKeyv, clientId, value));
      }
      const head = await this.readHead(clientId, true);
      if (!head || head.chunks.length === 0) {
        const id = head?.nextId ?? 0;
        await this.writeChunk(clientId, id, null, [stored]);
        await this.writeHead(clientId, { v: 1, nextId: id + 1, chunks: [[entry.createdAtMs, entryBits(stored), id]] });
        return;
      }
      const last = head.chunks.length - 1;
      const position = Math.max(0, this.chunkAtOrBefore(head, entry.createdAtMs));
      const { hi } = rangeOf(head, position);
      const entries = inRange(await this.readChunk(clientId, head, position, true));
      const existing = entries.findIndex((e) => e[1] === entry.taskId);
      if (existing >= 0) entries.splice(existing, 1);

      const newest = entries[entries.length - 1];
      if (existing < 0 && position === last && newest !== undefined && entries.length >= this.chunkSize && entry.createdAtMs > newest[0]) {
        // The usual growth: a new last chunk, written before the head makes it reachable.
        const id = head.nextId;
        await this.writeChunk(clientId, id, null, [stored]);
        head.nextId += 1;
        head.chunks.push([entry.createdAtMs, entryBits(stored), id]);
        await this.writeHead(clientId, head);
        return;
      }

      entries.splice(insertionIndex(entries, stored), 0, stored);
      const summary = head.chunks[position]!;
      const bound = Math.min(summary[0], entry.createdAtMs);
      const split = entries.length > 2 * this.chunkSize ? splitIndex(entries) : -1;
      if (split > 0) {
        const lower = entries.slice(0, split);
        const upper = entries.slice(split);
        const id = head.nextId;
        await this.writeChunk(clientId, id, Number.isFinite(hi) ? hi : null, upper);
        head.nextId += 1;
        head.chunks[position] = [bound, bitsOf(lower), summary[2]];
        head.chunks.splice(position + 1, 0, [upper[0]![0], bitsOf(upper), id]);
        await this.writeHead(clientId, head);
        await this.writeChunk(clientId, summary[2], upper[0]![0], lower);
        return;
      }
      const bits = summary[1] | entryBits(stored);
      if (bound !== summary[0] || bits !== summary[1]) {
        // Widening: head first (invariants 2 and 3 hold whatever happens next).
        head.chunks[position] = [bound, bits, summary[2]];
        await this.writeHead(clientId, head);
      }
      await this.writeChunk(clientId, summary[2], Number.isFinite(hi) ? hi : null, entries);
      // A replaced entry may have taken the last of some status or mode with it.
      await this.narrowBits(clientId, head, position, entries);
    });
  }

  /**
   * Sets the status of the entry at `key`. Resolves to false when there is no such entry.
   */
  async setStatus(clientId: string, key: HistoryKey, status: VideoTaskStatus): Promise<boolean> {
    return this.locks.run(clientId, async () => {
      const found = await this.locate(clientId, key);
      if (!found) return false;
      const { head, position, entries, index } = found;
      const entry = entries[index]!;
      if (packedStatus(entry[2]) === status) return true;
      entry[2] = withStatus(entry[2], status);
      const summary = head.chunks[position]!;
      if ((summary[1] | entryBits(entry)) !== summary[1]) {
        head.chunks[position] = [summary[0], summary[1] | entryBits(entry), summary[2]];
        await this.writeHead(clientId, head);
      }
      await this.rewrite(clientId, head, position, entries);
      await this.narrowBits(clientId, head, position, entries);
      return true;
    });
  }

  /** Removes the entry at `key`. Resolves to false when there is none. */
  async remove(clientId: string, key: HistoryKey): Promise<boolean> {
    return this.locks.run(clientId, async () => {
      const found = await this.locate(clientId, key);
      if (!found) return false;
      const { head, position, entries, index } = found;
      entries.splice(index, 1);
      // The chunk stays (maybe empty): ranges only ever change by splits.
      await this.rewrite(clientId, head, position, entries);
      await this.narrowBits(clientId, head, position, entries);
      return true;
    });
  }

  /** The entry of `key`, or undefined. */
  async get(clientId: string, key: HistoryKey): Promise<HistoryEntry | undefined> {
    const found = await this.locate(clientId, key);
    return found ? toEntry(found.entries[found.index]!) : undefined;
  }

  /**
   * The client's entries from newest to oldest within the walk's bounds. Lazy: a page stops
   * pulling when it is full, and chunks are read only when reached (and not at all when the
   * head shows they hold nothing the walk wants).
   */
  async *newestFirst(clientId: string, walk: HistoryWalk = {}): AsyncGenerator<HistoryEntry> {
    let head = await this.readHead(clientId, false);
    if (!head || head.chunks.length === 0) return;
    let upper: HistoryKey | undefined = walk.before;
    if (walk.createdBeforeMs !== undefined) {
      // The smallest key at createdBeforeMs: no task id is empty, so every entry then is above it.
      const bound = { createdAtMs: walk.createdBeforeMs, taskId: '' };
      if (!upper || compareHistoryKeys(bound, upper) < 0) upper = bound;
    }
    const lowerMs = walk.createdFromMs ?? -Infinity;
    const wantedStatus = setBits(walk.statuses, statusBit);
    const wantedMode = setBits(walk.modes, modeBit);

    let refreshes = 0;
    let position = upper ? this.chunkAtOrBefore(head, upper.createdAtMs) : head.chunks.length - 1;
    while (position >= 0) {
      // Every entry of this chunk is created before the next chunk's bound (invariant 2).
      const { hi } = rangeOf(head, position);
      if (hi <= lowerMs) return;
      const bits = head.chunks[position]![1];
      if ((wantedStatus !== undefined && (bits & wantedStatus) === 0) || (wantedMode !== undefined && (bits & wantedMode) === 0)) {
        position -= 1;
        continue;
      }
      const chunk = await this.readChunk(clientId, head, position, false);
      if (chunk.stale) {
        // Split since the head was read: resume after the last entry looked at, on a fresh head.
        if ((refreshes += 1) > MAX_HEAD_REFRESHES) throw new Error(`history of ${clientId} keeps changing under a walk`);
        head = (await this.readHead(clientId, false))!;
        position = upper ? this.chunkAtOrBefore(head, upper.createdAtMs) : head.chunks.length - 1;
        continue;
      }
      const { entries } = chunk;
      // Start below `upper` (a binary search: a cursor deep in a chunk costs no scan to reach).
      const start = upper ? Math.min(chunk.to, insertionIndex(entries, [upper.createdAtMs, upper.taskId, 0], true)) : chunk.to;
      for (let i = start - 1; i >= chunk.from; i -= 1) {
        const stored = entries[i]!;
        if (stored[0] < lowerMs) return;
        upper = { createdAtMs: stored[0], taskId: stored[1] };
        if (walk.statuses && !walk.statuses.has(packedStatus(stored[2])!)) continue;
        if (walk.modes && !walk.modes.has(packedMode(stored[2])!)) continue;
        yield toEntry(stored);
      }
      position -= 1;
    }
  }

  /** The client's entries created in [fromMs, toMs), oldest first. */
  async between(clientId: string, fromMs: number, toMs: number): Promise<HistoryEntry[]> {
    if (toMs <= fromMs) return [];
    for (let attempt = 0; attempt <= MAX_HEAD_REFRESHES; attempt += 1) {
      const head = await this.readHead(clientId, false);
      if (!head || head.chunks.length === 0) return [];
      const first = Math.max(0, this.chunkAtOrBefore(head, fromMs));
      let last = first;
      while (last + 1 < head.chunks.length && head.chunks[last + 1]![0] < toMs) last += 1;
      const chunks = await this.readChunks(clientId, head, first, last);
      // Split since the head was read: read again (rare; a report reads a few chunks).
      if (chunks.some((chunk) => chunk.stale)) continue;
      const found: HistoryEntry[] = [];
      for (const { entries, from, to } of chunks) {
        for (let i = from; i < to; i += 1) {
          const stored = entries[i]!;
          if (stored[0] >= fromMs && stored[0] < toMs) found.push(toEntry(stored));
        }
      }
      return found;
    }
    throw new Error(`history of ${clientId} keeps changing under a read`);
  }

  /** Every client with a history (a scan of the client list: one key per client, not per task). */
  async clients(): Promise<HistoryClient[]> {
    const clients: HistoryClient[] = [];
    for await (const [clientId, value] of this.clientsKeyv.iterator!(this.clientsKeyv.namespace) as AsyncIterable<[string, unknown]>) {
      clients.push({ clientId, firstCreatedAtMs: parseClient(value, clientId).firstCreatedAtMs });
    }
    return clients.sort((a, b) => (a.clientId < b.clientId ? -1 : a.clientId > b.clientId ? 1 : 0));
  }

  /** The client's history facts, or undefined when it has none. */
  async client(clientId: string): Promise<HistoryClient | undefined> {
    const client = await this.readClient(clientId, false);
    return client ? { clientId, firstCreatedAtMs: client.firstCreatedAtMs } : undefined;
  }

  /**
   * Replaces the whole index with `entries` (any order), in bulk: for building the index of a
   * store that has tasks but no index yet. Not for use while the index serves requests.
   */
  async rebuild(entries: Iterable<{ clientId: string; entry: HistoryEntry }>): Promise<void> {
    const byClient = new Map<string, StoredEntry[]>();
    for (const { clientId, entry } of entries) {
      let list = byClient.get(clientId);
      if (!list) byClient.set(clientId, (list = []));
      list.push(toStored(entry));
    }
    await this.cache.dropAll(async () => {
      await this.history.clear();
      await this.clientsKeyv.clear();
    });
    for (const [clientId, list] of byClient) {
      list.sort(compareStored);
      const chunks: StoredEntry[][] = [];
      let current: StoredEntry[] = [];
      for (const stored of list) {
        const newest = current[current.length - 1];
        if (newest && newest[1] === stored[1] && newest[0] === stored[0]) continue; // the same task twice
        // Same rule as `put`: a new chunk only at a new millisecond (invariant 1).
        if (newest && current.length >= this.chunkSize && stored[0] > newest[0]) {
          chunks.push(current);
          current = [];
        }
        current.push(stored);
      }
      if (current.length > 0) chunks.push(current);
      const head: StoredHead = { v: 1, nextId: chunks.length, chunks: chunks.map((c, id) => [c[0]![0], bitsOf(c), id]) };
      // Chunks, then the head that makes them reachable, then the client that lists it.
      await this.writeMany(
        this.history,
        chunks.map((c, id) => ({ key: chunkKey(clientId, id), value: { v: 1, hi: chunks[id + 1]?.[0]?.[0] ?? null, entries: c } satisfies StoredChunk })),
      );
      await this.writeHead(clientId, head);
      const client: StoredClient = { v: 1, firstCreatedAtMs: list[0]![0] };
      await this.cache.write(clientCacheKey(clientId), client, () => this.write(this.clientsKeyv, clientId, client));
    }
    await this.write(this.history, BUILT_KEY, { v: 1 });
  }

  /**
   * True once {@link rebuild} has completed on this store. A store without it has tasks written
   * by a gateway that kept no history (or a rebuild that was cut short) and needs one.
   */
  async isBuilt(): Promise<boolean> {
    return (await this.history.get(BUILT_KEY)) !== undefined;
  }

  /** Resolves once no change is in progress. */
  idle(): Promise<void> {
    return this.locks.idle();
  }

  /** Last chunk whose bound is at or before `ms` (-1 when `ms` is before every chunk). */
  private chunkAtOrBefore(head: StoredHead, ms: number): number {
    let low = 0;
    let high = head.chunks.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (head.chunks[middle]![0] <= ms) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found;
  }

  /** The entry at `key` with its chunk, for a change (call under the client's lock: the head is current). */
  private async locate(clientId: string, key: HistoryKey) {
    const head = await this.readHead(clientId, true);
    if (!head || head.chunks.length === 0) return undefined;
    const position = Math.max(0, this.chunkAtOrBefore(head, key.createdAtMs));
    const entries = inRange(await this.readChunk(clientId, head, position, true));
    const index = entries.findIndex((e) => e[1] === key.taskId && e[0] === key.createdAtMs);
    return index < 0 ? undefined : { head, position, entries, index };
  }

  /** Writes the chunk at `position` back with `entries`, under its current range. */
  private async rewrite(clientId: string, head: StoredHead, position: number, entries: StoredEntry[]): Promise<void> {
    const { hi } = rangeOf(head, position);
    await this.writeChunk(clientId, head.chunks[position]![2], Number.isFinite(hi) ? hi : null, entries);
  }

  /** After a chunk write: drops head bits nothing in the chunk has any more (narrowing: head last). */
  private async narrowBits(clientId: string, head: StoredHead, position: number, entries: readonly StoredEntry[]): Promise<void> {
    const summary = head.chunks[position]!;
    const bits = bitsOf(entries);
    if (bits !== summary[1]) {
      head.chunks[position] = [summary[0], bits, summary[2]];
      await this.writeHead(clientId, head);
    }
  }

  /**
   * The client's head: for readers from the cache; `fresh` (writers, under the lock) from the
   * store, as a private copy they may change.
   */
  private async readHead(clientId: string, fresh: boolean): Promise<StoredHead | undefined> {
    const key = headKey(clientId);
    const load = async () => {
      const value: unknown = await this.history.get(key);
      return value === undefined || value === null ? undefined : parseHead(value, clientId);
    };
    return fresh ? load() : ((await this.cache.read(key, load)) as StoredHead | undefined);
  }

  private async readClient(clientId: string, fresh: boolean): Promise<StoredClient | undefined> {
    const load = async () => {
      const value: unknown = await this.clientsKeyv.get(clientId);
      return value === undefined || value === null ? undefined : parseClient(value, clientId);
    };
    return fresh ? load() : ((await this.cache.read(clientCacheKey(clientId), load)) as StoredClient | undefined);
  }

  private async readChunk(clientId: string, head: StoredHead, position: number, fresh: boolean): Promise<ReadChunk> {
    const key = chunkKey(clientId, head.chunks[position]![2]);
    const load = async () => {
      const value: unknown = await this.history.get(key);
      return value === undefined || value === null ? undefined : parseChunk(value, key);
    };
    const chunk = fresh ? await load() : ((await this.cache.read(key, load)) as StoredChunk | undefined);
    return viewOf(chunk, rangeOf(head, position));
  }

  private async readChunks(clientId: string, head: StoredHead, first: number, last: number): Promise<ReadChunk[]> {
    const keys = Array.from({ length: last - first + 1 }, (_, i) => chunkKey(clientId, head.chunks[first + i]![2]));
    const chunks = await this.cache.readMany(keys, async (missing) => {
      const values = (await this.history.getMany(missing)) as unknown[];
      return values.map((value, i) => (value === undefined || value === null ? undefined : parseChunk(value, missing[i]!)));
    });
    return chunks.map((chunk, i) => viewOf(chunk as StoredChunk | undefined, rangeOf(head, first + i)));
  }

  private async writeHead(clientId: string, head: StoredHead): Promise<void> {
    const key = headKey(clientId);
    await this.cache.write(key, head, () => this.write(this.history, key, head));
  }

  private async writeChunk(clientId: string, chunkId: number, hi: number | null, entries: StoredEntry[]): Promise<void> {
    const key = chunkKey(clientId, chunkId);
    const chunk: StoredChunk = { v: 1, hi, entries };
    await this.cache.write(key, chunk, () => this.write(this.history, key, chunk));
  }

  private async write(keyv: Keyv, key: string, value: unknown): Promise<void> {
    if (!(await keyv.set(key, value))) throw new Error(`store write of ${keyv.namespace ?? ''}:${key} failed`);
  }

  private async writeMany(keyv: Keyv, entries: Array<{ key: string; value: unknown }>): Promise<void> {
    for (let start = 0; start < entries.length; start += 500) {
      const results = await keyv.setMany(entries.slice(start, start + 500));
      if (results.some((ok) => !ok)) throw new Error(`store write of ${keyv.namespace ?? ''} failed`);
    }
  }
}

/**
 * A chunk's entries within the head's range for it, as index bounds (no copy: the chunk may be
 * shared through the cache). A chunk never written reads as empty (it cannot be reachable,
 * see the crash ordering, but reading it must not fail).
 */
function viewOf(chunk: StoredChunk | undefined, range: { lo: number; hi: number }): ReadChunk {
  if (!chunk) return { entries: [], from: 0, to: 0, stale: false };
  const { entries } = chunk;
  const from = range.lo === -Infinity ? 0 : firstAtOrAfter(entries, range.lo);
  const to = range.hi === Infinity ? entries.length : firstAtOrAfter(entries, range.hi);
  return { entries, from, to, stale: (chunk.hi ?? Infinity) < range.hi };
}

/** A private, changeable copy of the entries in range (for writers). */
function inRange(chunk: ReadChunk): StoredEntry[] {
  return chunk.entries.slice(chunk.from, chunk.to);
}

/** Index of the first entry created at or after `ms` (entries are sorted). */
function firstAtOrAfter(entries: readonly StoredEntry[], ms: number): number {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (entries[middle]![0] < ms) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Where to split a full chunk: the millisecond boundary nearest its middle (-1: one millisecond only). */
function splitIndex(entries: readonly StoredEntry[]): number {
  const middle = entries.length >> 1;
  for (let offset = 0; offset < middle; offset += 1) {
    for (const i of [middle - offset, middle + offset]) {
      if (i > 0 && i < entries.length && entries[i - 1]![0] < entries[i]![0]) return i;
    }
  }
  return -1;
}

/**
 * Index where `entry` goes in the sorted `entries`: after any equal key, or before it with
 * `beforeEqual` (then: the index of the first entry not below it).
 */
function insertionIndex(entries: readonly StoredEntry[], entry: StoredEntry, beforeEqual = false): number {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    const order = compareStored(entries[middle]!, entry);
    if (order < 0 || (order === 0 && !beforeEqual)) low = middle + 1;
    else high = middle;
  }
  return low;
}


function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseHead(value: unknown, clientId: string): StoredHead {
  if (
    isRecord(value) &&
    value.v === 1 &&
    Number.isSafeInteger(value.nextId) &&
    Array.isArray(value.chunks) &&
    value.chunks.every((c: unknown) => Array.isArray(c) && c.length === 3 && Number.isFinite(c[0]) && Number.isInteger(c[1]) && Number.isSafeInteger(c[2]))
  ) {
    return value as unknown as StoredHead;
  }
  throw new StoredDataError(`${HISTORY_NAMESPACES.history}:${headKey(clientId)}`);
}

function parseChunk(value: unknown, key: string): StoredChunk {
  if (
    isRecord(value) &&
    value.v === 1 &&
    (value.hi === null || Number.isFinite(value.hi)) &&
    Array.isArray(value.entries) &&
    value.entries.every((e: unknown) => Array.isArray(e) && e.length === 3 && Number.isFinite(e[0]) && typeof e[1] === 'string' && unpackFacts(e[2]) !== undefined)
  ) {
    return value as unknown as StoredChunk;
  }
  throw new StoredDataError(`${HISTORY_NAMESPACES.history}:${key}`);
}

function parseClient(value: unknown, clientId: string): StoredClient {
  if (isRecord(value) && value.v === 1 && Number.isFinite(value.firstCreatedAtMs)) return value as unknown as StoredClient;
  throw new StoredDataError(`${HISTORY_NAMESPACES.clients}:${clientId}`);
}
