import type { InputIssue } from '../domain/input-issue';

/** A request that broke documented rules; nothing was sent upstream. */
export class InvalidGenerationError extends Error {
  constructor(readonly issues: InputIssue[]) {
    super(`the request has ${issues.length} problem${issues.length === 1 ? '' : 's'}`);
    this.name = 'InvalidGenerationError';
  }
}
