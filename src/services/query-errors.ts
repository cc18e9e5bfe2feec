/**
 * Errors of read queries, raised by services and turned into GraphQL errors with an
 * `extensions.code` at the GraphQL boundary (`BAD_USER_INPUT`, `FORBIDDEN`).
 */

/** The query's arguments cannot be answered as given; the message says what to change. */
export class InvalidQueryError extends Error {
  constructor(
    message: string,
    /** The argument at fault, as the schema names it. */
    readonly argumentName: string,
  ) {
    super(message);
    this.name = 'InvalidQueryError';
  }
}

/** The caller may not ask this (e.g. another client's usage without being an admin). */
export class ForbiddenQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForbiddenQueryError';
  }
}
