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
 * 404 to unknown ones (discarding their body unread) and 202 at once to valid ones; the
 * status read it triggers happens after the answer.
 */
export function createSparkDanceWebhookHandler(callbacks: UpstreamCallbackService, logger: Logger) {
  return async (request: IncomingMessage, response: ServerResponse, token: string): Promise<void> => {
    if (request.method !== 'POST') {
      request.resume();
      response.setHeader('allow', 'POST');
      return sendJson(response, 405, { error: 'method not allowed' });
    }
    const outcome = await callbacks.receive(token);
    switch (outcome) {
      case 'unknown-token':
        request.resume();
        return sendJson(response, 404, { error: 'not found' });
      case 'accepted':
        try {
          await readBody(request, MAX_CALLBACK_BYTES); // read to keep the connection usable; never trusted
        } catch (error) {
          if (error instanceof BodyTooLargeError) return refuseUnread(request, response, 413, { error: 'callback body too large' });
          throw error;
        }
        logger.debug('upstream callback accepted');
        return sendJson(response, 202, { accepted: true });
    }
  };
}
