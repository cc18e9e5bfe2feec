import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Unguessable per-task tokens for upstream callback URLs, with nothing to store: a token is
 * `<task id>.<HMAC-SHA256(secret, task id)>` (base64url). Only the gateway, holding the
 * secret, can mint one; verifying it proves which task it was minted for. The body of a
 * callback is never trusted either way: a valid token only triggers a status read.
 */
export class CallbackTokens {
  private readonly secret: Buffer;

  /**
   * @param secret at least 32 characters (`CALLBACK_SECRET`). Without one a random secret is
   *   used, so tokens issued before a restart stop verifying (the safety poll still finishes
   *   those tasks).
   */
  constructor(secret?: string) {
    this.secret = secret ? Buffer.from(secret, 'utf8') : randomBytes(32);
  }

  /** The token for a task's callback URL. */
  tokenFor(taskId: string): string {
    return `${taskId}.${this.sign(taskId)}`;
  }

  /** The task id a token was minted for, or null for anything forged, altered or malformed. */
  taskIdFrom(token: string): string | null {
    const dot = token.lastIndexOf('.');
    if (dot <= 0 || token.length > 512) return null;
    const taskId = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'utf8');
    const expected = Buffer.from(this.sign(taskId), 'utf8');
    return given.length === expected.length && timingSafeEqual(given, expected) ? taskId : null;
  }

  private sign(taskId: string): string {
    return createHmac('sha256', this.secret).update(taskId).digest('base64url');
  }
}
