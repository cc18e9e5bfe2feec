import { InputIssueCode, type InputIssue } from './input-issue';

/** Longest idempotency key accepted (a UUID is 36; room for a prefix or a composite key). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/**
 * Checks a caller's idempotency key: 1 to {@link MAX_IDEMPOTENCY_KEY_LENGTH} characters with no
 * control characters (they would make keys that look alike in logs but differ). Returns the
 * issue, or undefined for a usable key.
 */
export function checkIdempotencyKey(key: string): InputIssue | undefined {
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    return {
      path: ['idempotencyKey'],
      code: InputIssueCode.INVALID_IDEMPOTENCY_KEY,
      message: `An idempotency key has 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters, got ${key.length}.`,
    };
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) {
    return {
      path: ['idempotencyKey'],
      code: InputIssueCode.INVALID_IDEMPOTENCY_KEY,
      message: 'An idempotency key must not contain control characters.',
    };
  }
  return undefined;
}

/** The issue for a key already used with a different input (the earlier submission stands). */
export function idempotencyKeyReusedIssue(): InputIssue {
  return {
    path: ['idempotencyKey'],
    code: InputIssueCode.IDEMPOTENCY_KEY_REUSED,
    message: 'This idempotency key was already used with a different input; use a new key for a new generation.',
  };
}
