import type { Keyv } from 'keyv';
import { z } from 'zod';
import { GenerationMode, VideoModel } from '../domain/generation-mode';
import { ServiceTier, VideoResolution } from '../domain/generation-options';
import { isDecimalString } from '../domain/money';
import { VideoTaskStatus } from '../domain/task-status';
import type { UsageRecord } from '../domain/usage-record';
import { CoherentCache } from './coherent-cache';
import { StoredDataError } from './stored-data-error';

/** Ids per `getMany`: the SQLite adapter matches rows to keys with a linear search per key. */
const READ_BATCH = 200;
/**
 * Records (and known absences) kept in process: reports look up the records of the tasks
 * still running in cached periods on every request, until they appear.
 */
const CACHE_CAPACITY = 16_384;

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const decimal = z.string().refine(isDecimalString);
const storedRecord = z.object({
  v: z.literal(1),
  record: z.object({
    taskId: z.string().min(1),
    clientId: z.string().min(1),
    createdAt: z.string(),
    model: z.enum(VideoModel),
    mode: z.enum(GenerationMode),
    resolution: z.enum(VideoResolution),
    serviceTier: z.enum(ServiceTier),
    status: z.enum([VideoTaskStatus.SUCCEEDED, VideoTaskStatus.FAILED, VideoTaskStatus.EXPIRED]),
    costUsd: decimal,
    discountUsd: decimal,
    inputTokens: count,
    outputTokens: count,
    totalTokens: count,
    generatedVideos: count,
    videoSeconds: z.number().min(0),
  }),
});

/** Namespace of the usage records. */
export const USAGE_RECORD_NAMESPACE = 'usage_records';

/**
 * The usage record of every finished task, one key per task id (namespace
 * {@link USAGE_RECORD_NAMESPACE}). A record is a pure function of the finished task, so writing
 * it again — after a duplicate observation, a crash, a restart — stores the same value under
 * the same key: the set of records, and so every count derived from it, cannot double.
 *
 * Parsed records, and the absence of records looked up before they exist, are kept in process
 * ({@link CoherentCache}: every write goes through it).
 */
export class UsageRecordStore {
  private readonly cache = new CoherentCache<UsageRecord>(CACHE_CAPACITY, true);

  constructor(private readonly keyv: Keyv) {}

  /** Stores (or overwrites) the record of its task. */
  async put(record: UsageRecord): Promise<void> {
    await this.cache.write(record.taskId, record, async () => {
      if (!(await this.keyv.set(record.taskId, { v: 1, record }))) throw new Error(`store write of usage record ${record.taskId} failed`);
    });
  }

  /** The record of a task, or undefined. */
  async get(taskId: string): Promise<UsageRecord | undefined> {
    const [record] = await this.getMany([taskId]);
    return record;
  }

  /** Records of `taskIds`, in the same order (undefined where there is none). */
  async getMany(taskIds: readonly string[]): Promise<Array<UsageRecord | undefined>> {
    const found: Array<UsageRecord | undefined> = [];
    for (let start = 0; start < taskIds.length; start += READ_BATCH) {
      const records = await this.cache.readMany(taskIds.slice(start, start + READ_BATCH), async (ids) => {
        const values = (await this.keyv.getMany(ids)) as unknown[];
        return values.map((value, i) => (value === undefined || value === null ? undefined : parse(value, ids[i]!)));
      });
      found.push(...records);
    }
    return found;
  }

  /** Removes the record of a task (only when a task stops being finished; see the repository). */
  async delete(taskId: string): Promise<void> {
    await this.cache.drop([taskId], async () => {
      await this.keyv.delete(taskId);
    });
  }

  /** Replaces every record with `records`, in bulk (building the index of an existing store). */
  async replaceAll(records: readonly UsageRecord[]): Promise<void> {
    await this.cache.dropAll(async () => {
      await this.keyv.clear();
      for (let start = 0; start < records.length; start += 500) {
        const results = await this.keyv.setMany(records.slice(start, start + 500).map((record) => ({ key: record.taskId, value: { v: 1, record } })));
        if (results.some((ok) => !ok)) throw new Error('store write of usage records failed');
      }
    });
  }
}

function parse(value: unknown, taskId: string): UsageRecord {
  const parsed = storedRecord.safeParse(value);
  if (!parsed.success || parsed.data.record.taskId !== taskId) throw new StoredDataError(`${USAGE_RECORD_NAMESPACE}:${taskId}`);
  return parsed.data.record;
}
