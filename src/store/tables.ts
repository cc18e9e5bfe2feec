import type { ColumnType } from 'kysely';

/**
 * The SQL tables, as Kysely sees them. Integer columns that can exceed 2^31 are BIGINT; the
 * pg driver returns those as strings, so what a select yields is typed `string | number` and
 * goes through a row parser before anything uses it.
 */
type BigIntColumn = ColumnType<string | number, number, number>;
type NullableBigIntColumn = ColumnType<string | number | null, number | null, number | null>;

/** One row per video task: the task as JSON plus the columns queries filter, sort and group by. */
export interface TasksTable {
  id: string;
  client_id: string;
  created_at_ms: BigIntColumn;
  /** Starts of the UTC hour, day and month of `created_at_ms`: usage reports group by these. */
  hour_ms: BigIntColumn;
  day_ms: BigIntColumn;
  month_ms: BigIntColumn;
  status: string;
  /** 1 once the status is terminal; the partial index of unfinished tasks is on `finished = 0`. */
  finished: number;
  revision: number;
  model: string;
  mode: string;
  resolution: string;
  service_tier: string;
  upstream_task_id: string | null;
  /** The whole `VideoTask`, JSON. */
  data: string;
  /** The replica that polls this unfinished task, and until when its lease holds (epoch ms). */
  lease_owner: string | null;
  lease_until_ms: NullableBigIntColumn;
}

/** What one finished task contributes to usage; one row per task id, so it counts once. */
export interface UsageRecordsTable {
  task_id: string;
  status: string;
  /** Money in nano-USD (10^-9), summed exactly in SQL; the exact decimals are kept beside. */
  cost_nanos: BigIntColumn;
  discount_nanos: BigIntColumn;
  cost_usd: string;
  discount_usd: string;
  input_tokens: BigIntColumn;
  output_tokens: BigIntColumn;
  total_tokens: BigIntColumn;
  generated_videos: number;
  /** Seconds of video in ticks of 1/24000 s (whole numbers, exact sums). */
  video_ticks: BigIntColumn;
}

/**
 * Sums per client, UTC hour and dimension group, moved by every task write in its transaction:
 * `tasks` counts submissions, the rest what finished tasks' usage records add.
 */
export interface UsageRollupsTable {
  client_id: string;
  hour_ms: BigIntColumn;
  day_ms: BigIntColumn;
  month_ms: BigIntColumn;
  model: string;
  mode: string;
  resolution: string;
  service_tier: string;
  tasks: BigIntColumn;
  succeeded: BigIntColumn;
  failed: BigIntColumn;
  expired: BigIntColumn;
  cost_nanos: BigIntColumn;
  discount_nanos: BigIntColumn;
  input_tokens: BigIntColumn;
  output_tokens: BigIntColumn;
  total_tokens: BigIntColumn;
  generated_videos: BigIntColumn;
  video_ticks: BigIntColumn;
}

/** One row per (client, idempotency key). */
export interface IdempotencyKeysTable {
  client_id: string;
  key: string;
  fingerprint: string;
  task_id: string;
  state: string;
  created_at_ms: BigIntColumn;
  expires_at_ms: BigIntColumn;
}

/**
 * Submission slots: a row per unfinished task or create in progress, counted against the
 * per-client and gateway-wide caps. A reservation not yet committed to a stored task expires.
 */
export interface TaskSlotsTable {
  task_id: string;
  client_id: string;
  committed: number;
  expires_at_ms: NullableBigIntColumn;
}

/**
 * A counter per UTC day, bumped in the transaction of every write that changes what a usage
 * report of that day shows: cached reports are keyed by the counters of their days.
 */
export interface UsageVersionsTable {
  day_ms: BigIntColumn;
  version: BigIntColumn;
}

/** A replica's heartbeat: its poll leases hold while `alive_until_ms` is ahead. */
export interface ReplicaHeartbeatsTable {
  replica_id: string;
  alive_until_ms: BigIntColumn;
}

/** Facts about the store itself (e.g. that the keyv-era data was imported). */
export interface StoreMetaTable {
  name: string;
  value: string;
}

/** Every table of the gateway's database. */
export interface Database {
  tasks: TasksTable;
  usage_records: UsageRecordsTable;
  usage_rollups: UsageRollupsTable;
  idempotency_keys: IdempotencyKeysTable;
  task_slots: TaskSlotsTable;
  usage_versions: UsageVersionsTable;
  store_meta: StoreMetaTable;
  replica_heartbeats: ReplicaHeartbeatsTable;
}
