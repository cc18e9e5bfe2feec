import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { GenerationRequest } from '../domain/generation-request';
import { VideoTaskStatus } from '../domain/task-status';
import type { VideoTask } from '../domain/video-task';
import { validateGenerationRequest } from '../domain/validation/validate-generation';
import type { TaskRepository } from '../store/task-repository';
import type { UpstreamApi } from '../upstream/upstream-api';
import { InvalidGenerationError } from './generation-errors';

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
  /** Told about every new task so it gets followed to its end. */
  watch: (taskId: string) => void;
  /** Told about every stored new task (subscriptions of the client hear of it). */
  onCreated?: (task: VideoTask) => void;
  /** The upstream callback URL for a task, when callbacks are on. */
  callbackUrlFor?: (taskId: string) => string | undefined;
  logger: Logger;
  now?: () => number;
  newTaskId?: () => string;
}

/** Prefix of task ids, so `node(id)` can tell a task id from anything else. */
export const TASK_ID_PREFIX = 'vt_';

/**
 * Submits generations: validate everything first (so bad input never costs money), create
 * upstream exactly once, store the task, and hand it to the poller. Throws
 * `InvalidGenerationError` or `UpstreamRequestError`; the GraphQL layer turns those into
 * typed results.
 */
export class GenerationService {
  private readonly now: () => number;
  private readonly newTaskId: () => string;
  /** Submissions under way: a create the upstream accepted must still be stored at shutdown. */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly deps: GenerationServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.newTaskId = deps.newTaskId ?? (() => `${TASK_ID_PREFIX}${randomUUID()}`);
  }

  submit(clientId: string, request: GenerationRequest): Promise<SubmittedGeneration> {
    const submission = this.submitNow(clientId, request);
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

  private async submitNow(clientId: string, request: GenerationRequest): Promise<SubmittedGeneration> {
    const validation = validateGenerationRequest(request);
    if (!validation.ok) throw new InvalidGenerationError(validation.issues);
    const generation = validation.value;

    // The id exists before the create so the callback URL can name it.
    const id = this.newTaskId();
    const created = await this.deps.upstream.createTask(generation, { callbackUrl: this.deps.callbackUrlFor?.(id) });
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
      // The upstream task exists and may be billed: make it findable by hand.
      this.deps.logger.error({ err: error, clientId, upstreamTaskId: created.upstreamTaskId }, 'created upstream task could not be stored');
      throw error;
    }
    this.deps.watch(task.id);
    this.deps.onCreated?.(task);
    this.deps.logger.info({ taskId: task.id, clientId, upstreamTaskId: task.upstreamTaskId, mode: task.mode }, 'generation submitted');
    return { task, warnings: generation.warnings, replayed: false };
  }
}
