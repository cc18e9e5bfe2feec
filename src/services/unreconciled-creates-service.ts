import type { Logger } from 'pino';
import { fingerprintTask } from '../domain/generation-fingerprint';
import { markOutcomeUnknown } from '../domain/apply-snapshot';
import { VideoTaskStatus } from '../domain/task-status';
import type { VideoTask } from '../domain/video-task';
import type { TaskRepository } from '../store/task-repository';
import { ForbiddenQueryError } from './query-errors';

/** Who asks (the GraphQL viewer, without depending on the GraphQL layer). */
export interface UnreconciledViewer {
  clientId: string;
  admin: boolean;
}

/** A create that may have been accepted (and billed) upstream without the gateway knowing its upstream id. */
export interface UnreconciledCreate {
  taskId: string;
  clientId: string;
  /** When it was submitted (RFC 3339). */
  createdAt: string;
  /** `fingerprintGeneration` of its input: the same digest an idempotency key is checked with. */
  inputFingerprint: string;
}

/**
 * Creates whose outcome is unknown (OUTCOME_UNKNOWN tasks): made so for every create a stopped
 * process (or replica) left SUBMITTING past the create window (see {@link recoverInterrupted},
 * run at start-up and then every few seconds by {@link sweep}), listed for admins, and counted for usage reports,
 * so spend the gateway cannot attribute is visible rather than silent. A callback naming one
 * adopts it (see `UpstreamCallbackService`), which takes it off the list.
 */
export class UnreconciledCreatesService {
  constructor(
    private readonly deps: {
      tasks: Pick<TaskRepository, 'listByStatus' | 'update'>;
      logger: Logger;
      now?: () => number;
    },
  ) {}

  /**
   * Marks OUTCOME_UNKNOWN every SUBMITTING task submitted at least `staleAfterMs` ago: longer
   * than a create can take, so whichever process (or replica) sent it has stopped waiting for
   * the answer, or stopped altogether. A create confirmed meanwhile is left alone (the update is
   * compare-and-set). Resolves to the tasks changed.
   */
  async recoverInterrupted(staleAfterMs: number): Promise<VideoTask[]> {
    const nowMs = (this.deps.now ?? Date.now)();
    const nowIso = new Date(nowMs).toISOString();
    const marked: VideoTask[] = [];
    for (const task of await this.deps.tasks.listByStatus([VideoTaskStatus.SUBMITTING])) {
      if (Date.parse(task.createdAt) > nowMs - staleAfterMs) continue;
      const stored = await this.deps.tasks.update(task.id, (current) => markOutcomeUnknown(current, nowIso));
      if (stored?.status === VideoTaskStatus.OUTCOME_UNKNOWN) marked.push(stored);
    }
    if (marked.length > 0) {
      this.deps.logger.warn(
        { taskIds: marked.map((t) => t.id) },
        'creates interrupted by a stop: outcome unknown until a callback resolves them',
      );
    }
    return marked;
  }

  /**
   * Runs {@link recoverInterrupted} every `intervalMs` until the returned stop is called (which
   * waits for a run in progress). Failures are logged; the next run tries again.
   */
  sweep(staleAfterMs: number, intervalMs: number): () => Promise<void> {
    let running: Promise<unknown> = Promise.resolve();
    const timer = setInterval(() => {
      running = running
        .then(() => this.recoverInterrupted(staleAfterMs))
        .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'sweep of interrupted creates failed'));
    }, intervalMs);
    timer.unref();
    return async () => {
      clearInterval(timer);
      await running;
    };
  }

  /**
   * Every unreconciled create, oldest first (admins only).
   * @throws ForbiddenQueryError for a client that is not an admin
   */
  async list(viewer: UnreconciledViewer): Promise<UnreconciledCreate[]> {
    if (!viewer.admin) throw new ForbiddenQueryError('only admin clients may list unreconciled creates');
    const tasks = await this.deps.tasks.listByStatus([VideoTaskStatus.OUTCOME_UNKNOWN]);
    return tasks
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
      .map((task) => ({
        taskId: task.id,
        clientId: task.clientId,
        createdAt: task.createdAt,
        inputFingerprint: fingerprintTask(task),
      }));
  }

  /**
   * Unreconciled creates submitted in [from, to) by `clientId` (undefined: every client). The
   * caller decides who may see whose (the usage report's rules).
   */
  async count(range: { from: Date; to: Date; clientId: string | undefined }): Promise<number> {
    const fromMs = range.from.getTime();
    const toMs = range.to.getTime();
    const tasks = await this.deps.tasks.listByStatus([VideoTaskStatus.OUTCOME_UNKNOWN]);
    return tasks.filter((task) => {
      const createdAtMs = Date.parse(task.createdAt);
      return (
        (range.clientId === undefined || task.clientId === range.clientId) &&
        createdAtMs >= fromMs &&
        createdAtMs < toMs
      );
    }).length;
  }
}
