import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { UpstreamCallbackService } from '../services/upstream-callback-service';
import { refuseUnread, sendJson } from './graphql-http-handler';
import { BodyTooLargeError, readBody } from './read-body';

/** Path prefix of upstream callbacks: `{PUBLIC_BASE_URL}/webhooks/spark-dance/{token}`. */
export const WEBHOOK_PATH_PREFIX = '/webhooks/spark-dance/';

/** A callback body is a task status (a few KB); anything much larger is not one. */
const MAX_CALLBACK_BYTES = 1024 * 1024;

/** A path safe to log: callback tokens are credentials. */
export function redactWebhookPath(path: string): string {
  return path.startsWith(WEBHOOK_PATH_PREFIX) ? `${WEBHOOK_PATH_PREFIX}[token]` : path;
}

/**
 * `POST /webhooks/spark-dance/{token}`: checks the token before reading anything, answers
 * 404 to unknown ones and closes the connection (their body is never read), and 202 to valid
 * ones once their (bounded) body is in; the read it triggers happens after the answer. Only a
 * callback for an unconfirmed create has its body parsed, for the upstream id to look up.
 */
export function createSparkDanceWebhookHandler(callbacks: UpstreamCallbackService, logger: Logger) {
  return async (request: IncomingMessage, response: ServerResponse, token: string): Promise<void> => {
    if (request.method !== 'POST') {
      request.resume();
      response.setHeader('allow', 'POST');
      return sendJson(response, 405, { error: 'method not allowed' });
    }
    const outcome = await callbacks.receive(token);
    if (outcome.kind === 'unknown-token') {
      // Nothing of the body is read: the connection closes with the answer.
      refuseUnread(request, response, 404, { error: 'not found' });
      return;
    }
    let body: string;
    try {
      body = await readBody(request, MAX_CALLBACK_BYTES); // read to keep the connection usable
    } catch (error) {
      if (error instanceof BodyTooLargeError)
        return refuseUnread(request, response, 413, { error: 'callback body too large' });
      throw error;
    }
    logger.debug('upstream callback accepted');
    sendJson(response, 202, { accepted: true });
    if (outcome.kind === 'adopt') void callbacks.adopt(outcome.taskId, parseJson(body));
  };
}

/** The body as JSON, or undefined when it is not JSON (the service's parser judges it further). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
