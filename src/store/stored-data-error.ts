/**
 * A stored value that does not have the shape this version of the gateway writes: corruption,
 * or data of an incompatible version. Raised instead of guessing, so nothing is computed from
 * it; the message names the key (never the value, which may be large).
 */
export class StoredDataError extends Error {
  constructor(readonly key: string) {
    super(`stored value ${key} is not in the expected format`);
    this.name = 'StoredDataError';
  }
}
