import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { fingerprintGeneration } from '../domain/generation-fingerprint';
import type { GenerationRequest, ValidatedGeneration } from '../domain/generation-request';
import { checkIdempotencyKey, idempotencyKeyReusedIssue } from '../domain/idempotency-key';
import { VideoTaskStatus } from '../domain/task-status';
import type { VideoTask } from '../domain/video-task';
import { validateGenerationRequest } from '../domain/validation/validate-generation';
import type { IdempotencyRecord, IdempotencyRepository } from '../store/idempotency-repository';
import type { TaskRepository } from '../store/task-repository';
import type { UpstreamApi } from '../upstream/upstream-api';
import { UpstreamRequestError } from '../upstream/upstream-error';
import { CreateOutcomeUnknownError, InvalidGenerationError } from './generation-errors';
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
  /** Admits a submission (as task `taskId`) past the rate and active-task limits, or throws `SubmissionLimitError`. */
  admit: (clientId: string, taskId: string) => Promise<SlotReservation>;
  /**
   * How long a keyed create may take, from its record's creation: a repeat of the key that
   * finds the record without its task waits this long for another replica to store it.
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

/** Prefix of task ids, so `node(id)` can tell a task id from anything else. */
export const TASK_ID_PREFIX = 'vt_';

/** How often a repeat of a key polls for the task another replica is creating. */
const FOREIGN_FLIGHT_POLL_MS = 200;

/** A keyed submission under way in this process, joined by identical concurrent requests. */
interface KeyedFlight {
  fingerprint: string;
  result: Promise<SubmittedGeneration>;
}

/**
 * Submits generations: validate everything first (so bad input never costs money), honour the
 * idempotency key, pass the limits, create upstream exactly once, store the task, and hand it
 * to the poller. Throws `InvalidGenerationError`, `SubmissionLimitError` or
 * `UpstreamRequestError`; the GraphQL layer turns those into typed results.
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

  submit(clientId: string, request: GenerationRequest, idempotencyKey?: string | null): Promise<SubmittedGeneration> {
    const submission = this.submitNow(clientId, request, idempotencyKey ?? undefined);
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

  private async submitNow(clientId: string, request: GenerationRequest, idempotencyKey: string | undefined): Promise<SubmittedGeneration> {
    const validation = validateGenerationRequest(request);
    const keyIssue = idempotencyKey === undefined ? undefined : checkIdempotencyKey(idempotencyKey);
    if (!validation.ok || keyIssue) throw new InvalidGenerationError([...(validation.ok ? [] : validation.issues), ...(keyIssue ? [keyIssue] : [])]);
    const generation = validation.value;
    if (idempotencyKey === undefined) return this.create(clientId, generation, this.newTaskId(), undefined);

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

  private async submitKeyed(clientId: string, key: string, fingerprint: string, generation: ValidatedGeneration): Promise<SubmittedGeneration> {
    const record: IdempotencyRecord = {
      clientId,
      key,
      fingerprint,
      taskId: this.newTaskId(),
      state: 'pending',
      createdAt: new Date(this.now()).toISOString(),
    };
    // Write-ahead, atomically across replicas: the key names the task id before the create can be billed.
    const holder = await this.deps.idempotency.claim(record, this.deps.idempotencyTtlMs);
    if (holder.taskId !== record.taskId) {
      if (holder.fingerprint !== fingerprint) throw new InvalidGenerationError([idempotencyKeyReusedIssue()]);
      const replay = await this.replay(holder, generation);
      // The earlier create was refused meanwhile and freed the key: this request submits.
      return replay ?? this.submitKeyed(clientId, key, fingerprint, generation);
    }
    let reservation: SlotReservation;
    try {
      reservation = await this.deps.admit(clientId, record.taskId);
    } catch (error) {
      await this.deps.idempotency.delete(clientId, key).catch(() => undefined);
      throw error;
    }
    let submitted: SubmittedGeneration;
    try {
      submitted = await this.create(clientId, generation, record.taskId, reservation);
    } catch (error) {
      if (error instanceof UpstreamRequestError) {
        // Maybe accepted: the record stays, so a repeat of this request cannot create (and bill) again.
        if (error.outcomeUnknown) throw new CreateOutcomeUnknownError(record.taskId, error.message);
        // The upstream refused it, or never got it: free the key for a retry.
        await this.deps.idempotency.delete(clientId, key).catch(() => undefined);
      }
      // Any other failure (storing a created task) keeps the record: the outcome is unknown to a retry.
      throw error;
    }
    await this.putRecord({ ...record, state: 'created' }).catch((error: unknown) => {
      // The task is stored; a later request with this key finds it through the pending record.
      this.deps.logger.error({ err: error, clientId, taskId: record.taskId }, 'idempotency record could not be marked created');
    });
    return submitted;
  }

  /**
   * The task an earlier submission with this key made, as it is now. A record still without
   * its task is a create under way on another replica (waited for, within the create window)
   * or one that was interrupted (its outcome is unknown). Resolves to undefined when the record
   * disappears meanwhile (that create was refused and freed the key).
   */
  private async replay(holder: IdempotencyRecord, generation: ValidatedGeneration): Promise<SubmittedGeneration | undefined> {
    const windowEndsMs = Date.parse(holder.createdAt) + (this.deps.createWindowMs ?? 0);
    for (;;) {
      const task = await this.deps.tasks.get(holder.taskId);
      if (task) {
        if (holder.state === 'pending') {
          // The task is stored; only the record's last write was lost. The replay stands regardless.
          await this.putRecord({ ...holder, state: 'created' }).catch((error: unknown) => {
            this.deps.logger.error({ err: error, clientId: holder.clientId, taskId: holder.taskId }, 'idempotency record could not be marked created');
          });
        }
        return { task, warnings: generation.warnings, replayed: true };
      }
      if (this.now() >= windowEndsMs) break;
      await new Promise((resolve) => setTimeout(resolve, FOREIGN_FLIGHT_POLL_MS));
      const current = await this.deps.idempotency.get(holder.clientId, holder.key);
      if (!current || current.taskId !== holder.taskId) return undefined;
    }
    // No task behind the record, past the time a create takes: an earlier attempt stopped between
    // the write-ahead record and storing its task (a crash, a failed insert). Its create may have
    // been billed; creating again could bill twice.
    this.deps.logger.warn({ clientId: holder.clientId, taskId: holder.taskId }, 'idempotency key of an interrupted submission reused: create outcome unknown');
    throw new CreateOutcomeUnknownError(holder.taskId);
  }

  /** Writes a record for what is left of its time to live (counted from the first submission). */
  private async putRecord(record: IdempotencyRecord): Promise<void> {
    const leftMs = Date.parse(record.createdAt) + this.deps.idempotencyTtlMs - this.now();
    await this.deps.idempotency.put(record, Math.max(1, leftMs));
  }

  /** Gives a slot back; a failure is logged (the reservation then expires on its own). */
  private async release(slot: SlotReservation, taskId: string): Promise<void> {
    await slot.release().catch((error: unknown) => this.deps.logger.warn({ err: error, taskId }, 'slot release failed'));
  }

  /**
   * Creates the task upstream and stores it. `reservation` is the slot admitted for it (keyed
   * submissions are admitted by the caller, after the replay checks).
   */
  private async create(clientId: string, generation: ValidatedGeneration, id: string, reservation: SlotReservation | undefined): Promise<SubmittedGeneration> {
    const slot = reservation ?? (await this.deps.admit(clientId, id));
    let created: Awaited<ReturnType<UpstreamApi['createTask']>>;
    try {
      created = await this.deps.upstream.createTask(generation, { callbackUrl: this.deps.callbackUrlFor?.(id) });
    } catch (error) {
      await this.release(slot, id);
      if (error instanceof UpstreamRequestError && error.outcomeUnknown) {
        // No answer says whether the upstream accepted (and billed) it: keep a trace to reconcile.
        this.deps.logger.warn({ clientId, taskId: id, code: error.code }, 'create outcome unknown: the upstream may have accepted it');
      }
      throw error;
    }
    const createdAtMs = this.now();
    const createdAt = new Date(createdAtMs).toISOString();
    const task: VideoTask = {
      id,
      clientId,
      revision: 1,
      upstreamTaskId: created.upstreamTaskId,
      model: generation.model,
      mode: generation.mode,
      status: VideoTaskStatus.QUEUED,
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
    };
    try {
      await this.deps.tasks.insert(task);
    } catch (error) {
      // The upstream task exists and may be billed: make it findable by hand. (Its slot is
      // released: no stored change would ever free it.)
      await this.release(slot, id);
      this.deps.logger.error({ err: error, clientId, upstreamTaskId: created.upstreamTaskId }, 'created upstream task could not be stored');
      throw error;
    }
    this.deps.watch(task.id);
    this.deps.logger.info({ taskId: task.id, clientId, upstreamTaskId: task.upstreamTaskId, mode: task.mode }, 'generation submitted');
    return { task, warnings: generation.warnings, replayed: false };
  }
}
