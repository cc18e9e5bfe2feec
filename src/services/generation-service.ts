import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { fingerprintGeneration } from '../domain/generation-fingerprint';
import type { GenerationRequest, ValidatedGeneration } from '../domain/generation-request';
import { checkIdempotencyKey, idempotencyKeyReusedIssue } from '../domain/idempotency-key';
import { confirmCreated, markOutcomeUnknown } from '../domain/apply-snapshot';
import { isUnconfirmed, VideoTaskStatus } from '../domain/task-status';
import type { VideoTask } from '../domain/video-task';
import { validateGenerationRequest } from '../domain/validation/validate-generation';
import type { IdempotencyRecord, IdempotencyRepository } from '../store/idempotency-repository';
import type { TaskRepository } from '../store/task-repository';
import type { UpstreamApi } from '../upstream/upstream-api';
import { UpstreamRequestError } from '../upstream/upstream-error';
import { CreateOutcomeUnknownError, InvalidGenerationError, submissionErrorOf } from './generation-errors';
import type { SlotReservation } from './submission-limits';

/** A submission the upstream accepted. */
export interface SubmittedGeneration {
  task: VideoTask;
  warnings: string[];
  replayed: boolean;
}

/** Collaborators of {@link GenerationService}. */
export interface GenerationServiceDeps {
  tasks: TaskRepository;
  upstream: UpstreamApi;
  idempotency: IdempotencyRepository;
  /** How long an idempotency key keeps naming its submission. */
  idempotencyTtlMs: number;
  /** `MAX_PROMPT_CHARS` (default 5,000). */
  maxPromptChars?: number;
  /** Admits a submission (as task `taskId`) past the rate and active-task limits, or throws `SubmissionLimitError`. */
  admit: (clientId: string, taskId: string) => Promise<SlotReservation>;
  /**
   * How long a create may take, from its key's record: a repeat of the key that finds the
   * create still under way (on another replica) waits this long for its outcome.
   */
  createWindowMs?: number;
  /** Told about every new task so it gets followed to its end. */
  watch: (taskId: string) => void;
  /** The upstream callback URL for a task, when callbacks are on. */
  callbackUrlFor?: (taskId: string) => string | undefined;
  logger: Logger;
  now?: () => number;
  newTaskId?: () => string;
}

/** How often a repeat of a key polls for the outcome of a create another replica is making. */
const FOREIGN_FLIGHT_POLL_MS = 200;

/** Prefix of task ids, so `node(id)` can tell a task id from anything else. */
export const TASK_ID_PREFIX = 'vt_';

/** A keyed submission under way in this process, joined by identical concurrent requests. */
interface KeyedFlight {
  fingerprint: string;
  result: Promise<SubmittedGeneration>;
}

/**
 * Submits generations: validate everything first (so bad input never costs money), honour the
 * idempotency key, pass the limits, store a SUBMITTING task (write-ahead), create upstream
 * exactly once, confirm the task, and hand it to the poller. Throws `InvalidGenerationError`,
 * `SubmissionLimitError`, `CreateOutcomeUnknownError` (the create may have been accepted: its
 * task stays OUTCOME_UNKNOWN) or `UpstreamRequestError`; the GraphQL layer turns those into
 * typed results.
 *
 * Idempotency: a key names one submission of one client for `idempotencyTtlMs`. The same key
 * with the same input (same fingerprint) returns that task (`replayed: true`) without calling
 * the upstream, also while the first request is still creating it (identical concurrent
 * requests join it); with another input it is `IDEMPOTENCY_KEY_REUSED`. A create that failed
 * frees the key, so a retryable failure can be retried with it.
 */
export class GenerationService {
  private readonly now: () => number;
  private readonly newTaskId: () => string;
  /** Submissions under way: a create the upstream accepted must still be stored at shutdown. */
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Keyed submissions under way, by client and key. */
  private readonly keyedFlights = new Map<string, KeyedFlight>();

  constructor(private readonly deps: GenerationServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.newTaskId = deps.newTaskId ?? (() => `${TASK_ID_PREFIX}${randomUUID()}`);
  }

  /**
   * Submits one generation. Rejects with `InvalidGenerationError`, `SubmissionLimitError`,
   * `CreateOutcomeUnknownError`, `UpstreamBusyError` or `UpstreamSubmissionError` (see
   * generation-errors.ts); anything else is unexpected.
   */
  submit(clientId: string, request: GenerationRequest, idempotencyKey?: string | null): Promise<SubmittedGeneration> {
    const submission = this.submitNow(clientId, request, idempotencyKey ?? undefined).catch((error: unknown) => {
      throw submissionErrorOf(error);
    });
    this.inFlight.add(submission);
    const forget = (): void => void this.inFlight.delete(submission);
    submission.then(forget, forget);
    return submission;
  }

  /** Waits (up to `timeoutMs`) for submissions under way, so none is cut off between create and store. */
  async drain(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.allSettled([...this.inFlight]), deadline]);
    clearTimeout(timer);
  }

  private async submitNow(
    clientId: string,
    request: GenerationRequest,
    idempotencyKey: string | undefined,
  ): Promise<SubmittedGeneration> {
    const validation = validateGenerationRequest(request, { maxPromptChars: this.deps.maxPromptChars });
    const keyIssue = idempotencyKey === undefined ? undefined : checkIdempotencyKey(idempotencyKey);
    if (!validation.ok || keyIssue)
      throw new InvalidGenerationError([...(validation.ok ? [] : validation.issues), ...(keyIssue ? [keyIssue] : [])]);
    const generation = validation.value;
    if (idempotencyKey === undefined) return this.create(clientId, generation, this.newTaskId());

    const fingerprint = fingerprintGeneration(generation);
    const flightKey = JSON.stringify([clientId, idempotencyKey]);
    const flight = this.keyedFlights.get(flightKey);
    if (flight) {
      if (flight.fingerprint !== fingerprint) throw new InvalidGenerationError([idempotencyKeyReusedIssue()]);
      return { ...(await flight.result), replayed: true };
    }
    // Registered before any await, so a concurrent identical request always finds it.
    const result = this.submitKeyed(clientId, idempotencyKey, fingerprint, generation);
    this.keyedFlights.set(flightKey, { fingerprint, result });
    try {
      return await result;
    } finally {
      this.keyedFlights.delete(flightKey);
    }
  }

  private async submitKeyed(
    clientId: string,
    key: string,
    fingerprint: string,
    generation: ValidatedGeneration,
  ): Promise<SubmittedGeneration> {
    const taskId = this.newTaskId();
    const createdAt = new Date(this.now()).toISOString();
    const record: IdempotencyRecord = { clientId, key, fingerprint, taskId, state: 'pending', createdAt };
    // Write-ahead, atomically across replicas: the key names the task id before the create can be billed.
    const holder = await this.deps.idempotency.claim(record, this.deps.idempotencyTtlMs);
    if (holder.taskId !== taskId) {
      if (holder.fingerprint !== fingerprint) throw new InvalidGenerationError([idempotencyKeyReusedIssue()]);
      const replayed = await this.replay(holder, generation);
      // That create was refused meanwhile and freed the key: this request submits.
      return replayed ?? this.submitKeyed(clientId, key, fingerprint, generation);
    }
    const submitted = await this.create(clientId, generation, taskId, {
      // The upstream refused it, never got it, or no slot was free: free the key for a retry.
      onRefused: () => this.deps.idempotency.delete(clientId, key).catch(() => undefined),
    });
    await this.markCreated(record);
    return submitted;
  }

  /**
   * The task an earlier submission with this key made, as it is now. A create still under way
   * (on another replica: no task yet, or SUBMITTING) is waited for within the create window;
   * resolves to undefined when its record disappears meanwhile (the create was refused). An
   * unresolved create, or one past the window, is answered as such: it may have been billed.
   */
  private async replay(
    holder: IdempotencyRecord,
    generation: ValidatedGeneration,
  ): Promise<SubmittedGeneration | undefined> {
    const windowEndsMs = Date.parse(holder.createdAt) + (this.deps.createWindowMs ?? 0);
    for (;;) {
      const task = await this.deps.tasks.get(holder.taskId);
      if (task && !isUnconfirmed(task.status)) {
        // The task is stored (or was adopted); only the record's last write may be missing.
        if (holder.state === 'pending') await this.markCreated(holder);
        return { task, warnings: generation.warnings, replayed: true };
      }
      const underWay = !task || task.status === VideoTaskStatus.SUBMITTING;
      if (!underWay || this.now() >= windowEndsMs) break;
      await new Promise((resolve) => setTimeout(resolve, FOREIGN_FLIGHT_POLL_MS));
      const current = await this.deps.idempotency.get(holder.clientId, holder.key);
      if (!current || current.taskId !== holder.taskId) return undefined;
    }
    // No confirmed task behind the record: its create may have been billed; creating again could bill twice.
    const reused = 'idempotency key of an unconfirmed submission reused: create outcome unknown';
    this.deps.logger.warn({ clientId: holder.clientId, taskId: holder.taskId }, reused);
    throw new CreateOutcomeUnknownError(holder.taskId);
  }

  private async markCreated(record: IdempotencyRecord): Promise<void> {
    await this.putRecord({ ...record, state: 'created' }).catch((error: unknown) => {
      // A later request with this key finds the task through the pending record.
      const { clientId, taskId } = record;
      this.deps.logger.error({ err: error, clientId, taskId }, 'idempotency record could not be marked created');
    });
  }

  /** Writes a record for what is left of its time to live (counted from the first submission). */
  private async putRecord(record: IdempotencyRecord): Promise<void> {
    const leftMs = Date.parse(record.createdAt) + this.deps.idempotencyTtlMs - this.now();
    await this.deps.idempotency.put(record, Math.max(1, leftMs));
  }

  /**
   * Creates the task: a SUBMITTING task is stored first (write-ahead: whatever happens to the
   * create, our id names it), then the upstream create, then the task is confirmed (QUEUED,
   * with its upstream id). A create the upstream refused or never got deletes the task; one
   * that may have been accepted leaves it OUTCOME_UNKNOWN (a callback can still adopt it).
   */
  private async create(
    clientId: string,
    generation: ValidatedGeneration,
    id: string,
    keyed?: KeyedHooks,
  ): Promise<SubmittedGeneration> {
    let slot: SlotReservation;
    try {
      slot = await this.deps.admit(clientId, id);
    } catch (error) {
      await keyed?.onRefused();
      throw error;
    }
    const pending = this.pendingTask(clientId, generation, id);
    try {
      // Storing it commits the slot reserved for it.
      await this.deps.tasks.insert(pending);
    } catch (error) {
      // Nothing was sent: the slot and the key are free again.
      await this.release(slot, id);
      await keyed?.onRefused();
      throw error;
    }
    let created: Awaited<ReturnType<UpstreamApi['createTask']>>;
    try {
      created = await this.deps.upstream.createTask(generation, { callbackUrl: this.deps.callbackUrlFor?.(id) });
    } catch (error) {
      // Anything but a clear refusal (a bug included) may have been accepted: never forget it.
      if (!(error instanceof UpstreamRequestError) || error.outcomeUnknown) {
        throw await this.outcomeUnknown(pending, error, keyed !== undefined);
      }
      await this.forgetRefused(id);
      await this.release(slot, id);
      await keyed?.onRefused();
      throw error;
    }
    let task: VideoTask;
    let confirmedHere: boolean;
    try {
      ({ task, confirmedHere } = await this.confirm(id, created.upstreamTaskId));
    } catch (error) {
      // The upstream task exists and may be billed; the SUBMITTING record names it (start-up
      // marks it OUTCOME_UNKNOWN, a callback adopts it).
      const { upstreamTaskId } = created;
      const facts = { err: error, clientId, taskId: id, upstreamTaskId };
      this.deps.logger.error(facts, 'created upstream task could not be stored');
      throw error;
    }
    if (confirmedHere) this.deps.watch(task.id);
    const { upstreamTaskId, mode } = task;
    this.deps.logger.info({ taskId: task.id, clientId, upstreamTaskId, mode }, 'generation submitted');
    return { task, warnings: generation.warnings, replayed: false };
  }

  /** The write-ahead record of a create about to be sent. */
  private pendingTask(clientId: string, generation: ValidatedGeneration, id: string): VideoTask {
    const createdAtMs = this.now();
    const createdAt = new Date(createdAtMs).toISOString();
    return {
      id,
      clientId,
      revision: 1,
      upstreamTaskId: null,
      model: generation.model,
      mode: generation.mode,
      status: VideoTaskStatus.SUBMITTING,
      prompt: generation.prompt,
      images: generation.images.map((image) => image.facts),
      options: generation.options,
      createdAt,
      updatedAt: createdAt,
      finishedAt: null,
      expiresAt: new Date(createdAtMs + generation.options.executionExpiresAfter * 1000).toISOString(),
      videos: [],
      lastFrameUrl: null,
      usage: null,
      error: null,
      syncedAt: null,
    };
  }

  /** Stores the upstream's answer on the write-ahead task (a callback may have adopted it already). */
  /**
   * Stores the create's answer; `confirmedHere` is false when a callback adopted the task first
   * (then the adopting replica holds its poll lease and follows it).
   */
  private async confirm(id: string, upstreamTaskId: string): Promise<{ task: VideoTask; confirmedHere: boolean }> {
    const nowIso = new Date(this.now()).toISOString();
    let confirmedHere = false;
    const task = await this.deps.tasks.update(id, (current) => {
      const confirmed = confirmCreated(current, upstreamTaskId, nowIso);
      confirmedHere = confirmed !== null;
      return confirmed;
    });
    if (!task) throw new Error(`write-ahead task ${id} vanished before its create was confirmed`);
    return { task, confirmedHere };
  }

  /** A create that may have been accepted: the task stays, OUTCOME_UNKNOWN, for a callback or an admin to resolve. */
  private async outcomeUnknown(pending: VideoTask, error: unknown, keyed: boolean): Promise<Error> {
    const { id, clientId } = pending;
    const upstream = error instanceof UpstreamRequestError ? error : undefined;
    const facts = { err: upstream ? undefined : error, clientId, taskId: id, code: upstream?.code };
    this.deps.logger.warn(facts, 'create outcome unknown: the upstream may have accepted it');
    const nowIso = new Date(this.now()).toISOString();
    try {
      await this.deps.tasks.update(id, (current) => markOutcomeUnknown(current, nowIso));
    } catch (storeError) {
      // Start-up marks every SUBMITTING task OUTCOME_UNKNOWN anyway.
      this.deps.logger.error({ err: storeError, taskId: id }, 'create outcome unknown could not be stored');
    }
    if (!upstream) return error instanceof Error ? error : new Error(String(error));
    return new CreateOutcomeUnknownError(id, upstream.message, keyed ? undefined : upstream);
  }

  /** Gives a slot back; a failure is logged (the reservation then expires on its own). */
  private async release(slot: SlotReservation, taskId: string): Promise<void> {
    await slot
      .release()
      .catch((error: unknown) => this.deps.logger.warn({ err: error, taskId }, 'slot release failed'));
  }

  /** Deletes the write-ahead task of a create that never reached the upstream or was refused. */
  private async forgetRefused(id: string): Promise<void> {
    await this.deps.tasks.delete(id).catch((error: unknown) => {
      this.deps.logger.error({ err: error, taskId: id }, 'write-ahead task of a refused create could not be deleted');
    });
  }
}

/** What a keyed submission adds to {@link GenerationService.create}. */
interface KeyedHooks {
  /** Frees the key of a create that was refused (by the upstream, or by a limit before it). */
  onRefused(): Promise<void>;
}
