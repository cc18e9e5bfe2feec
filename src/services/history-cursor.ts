import type { HistoryPosition } from '../store/task-history-queries';

/** Version tag inside every cursor, so a future format can tell old cursors apart. */
const VERSION = 1;
/** Longer than any task id the gateway issues, short enough to refuse junk cheaply. */
const MAX_CURSOR_LENGTH = 512;

/**
 * A `videoTasks` cursor: the position (creation time, task id) of an edge in the client's
 * history, as base64url JSON. Opaque to clients; stable because a task's position never
 * changes, so "the tasks after this cursor" means the same set of older tasks on every call,
 * whatever was created in between.
 */
export function encodeHistoryCursor(key: HistoryPosition): string {
  return Buffer.from(JSON.stringify([VERSION, key.createdAtMs, key.taskId]), 'utf8').toString('base64url');
}

/** The position a cursor names, or undefined when it is not one this gateway issued. */
export function decodeHistoryCursor(cursor: string): HistoryPosition | undefined {
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) return undefined;
  const [version, createdAtMs, taskId] = parsed as unknown[];
  if (version !== VERSION || !Number.isSafeInteger(createdAtMs) || typeof taskId !== 'string' || taskId.length === 0)
    return undefined;
  return { createdAtMs: createdAtMs as number, taskId };
}
