import { isTerminal } from '../domain/task-status';
import type { CallbackTokens } from '../live/callback-tokens';
import type { TaskRepository } from '../store/task-repository';

/** What became of a callback. */
export type CallbackOutcome = 'accepted' | 'unknown-token';

/**
 * Upstream callbacks. The docs define no signature, so a callback is only a hint: a valid
 * token (one the gateway minted for a task) makes the poller read that task now; the body is
 * never looked at, so a forged callback cannot mark anything done.
 */
export class UpstreamCallbackService {
  constructor(
    private readonly deps: {
      tokens: CallbackTokens;
      tasks: Pick<TaskRepository, 'get'>;
      refreshNow(taskId: string): void;
    },
  ) {}

  async receive(token: string): Promise<CallbackOutcome> {
    const taskId = this.deps.tokens.taskIdFrom(token);
    if (taskId === null) return 'unknown-token';
    const task = await this.deps.tasks.get(taskId);
    // A callback can beat the insert of its own task (the create's answer is still on its way):
    // the token is ours, so accept it; the task's first scheduled read follows shortly anyway.
    if (task && !isTerminal(task.status)) this.deps.refreshNow(task.id);
    return 'accepted';
  }
}
