import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { isTerminal } from '../domain/task-status';
import type { CallbackTokens } from '../live/callback-tokens';
import type { TaskRepository } from '../store/task-repository';
import { sendJson } from './graphql-http-handler';
import { BodyTooLargeError, readBody } from './read-body';

/** Path prefix of upstream callbacks: `{PUBLIC_BASE_URL}/webhooks/spark-dance/{token}`. */
export const WEBHOOK_PATH_PREFIX = '/webhooks/spark-dance/';

/** A callback body is a task status (a few KB); anything much larger is not one. */
const MAX_CALLBACK_BYTES = 1024 * 1024;

/** What the webhook needs: token checks, task lookup, and the poller's immediate read. */
export interface SparkDanceWebhookDeps {
  tokens: CallbackTokens;
  tasks: Pick<TaskRepository, 'get'>;
  refreshNow(taskId: string): void;
  logger: Logger;
}

/**
 * Upstream callbacks. The docs define no signature, so the body is read (bounded) and
 * ignored: a callback only makes the poller read the task from the upstream now. Unknown,
 * forged or altered tokens get 404 and change nothing; the answer never waits for the read.
 */
export function createSparkDanceWebhookHandler(deps: SparkDanceWebhookDeps) {
  return async (request: IncomingMessage, response: ServerResponse, token: string): Promise<void> => {
    if (request.method !== 'POST') {
      response.setHeader('allow', 'POST');
      return sendJson(response, 405, { error: 'method not allowed' });
    }
    try {
      await readBody(request, MAX_CALLBACK_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return sendJson(response, 413, { error: 'callback body too large' });
      throw error;
    }
    const taskId = deps.tokens.taskIdFrom(token);
    const task = taskId === null ? undefined : await deps.tasks.get(taskId);
    if (!task) return sendJson(response, 404, { error: 'not found' });
    if (!isTerminal(task.status)) deps.refreshNow(task.id);
    deps.logger.debug({ taskId: task.id }, 'upstream callback received');
    sendJson(response, 202, { accepted: true });
  };
}
