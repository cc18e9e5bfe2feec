/** Why a request was refused before any upstream call: one entry per problem found. */

/** Closed set of validation codes; GraphQL exposes them as `InputIssue.code` strings. */
export enum InputIssueCode {
  MISSING_PROMPT = 'MISSING_PROMPT',
  PROMPT_TOO_LONG = 'PROMPT_TOO_LONG',
  INVALID_RESOLUTION = 'INVALID_RESOLUTION',
  INVALID_RATIO = 'INVALID_RATIO',
  INVALID_DURATION = 'INVALID_DURATION',
  INVALID_FRAMES = 'INVALID_FRAMES',
  INVALID_SEED = 'INVALID_SEED',
  INVALID_EXECUTION_EXPIRES_AFTER = 'INVALID_EXECUTION_EXPIRES_AFTER',
  UNSUPPORTED_OPTION = 'UNSUPPORTED_OPTION',
  INVALID_IMAGE_COUNT = 'INVALID_IMAGE_COUNT',
  INVALID_IMAGE_URL = 'INVALID_IMAGE_URL',
  INVALID_IMAGE_FORMAT = 'INVALID_IMAGE_FORMAT',
  IMAGE_TOO_LARGE = 'IMAGE_TOO_LARGE',
  INVALID_IMAGE_DIMENSIONS = 'INVALID_IMAGE_DIMENSIONS',
  INVALID_IMAGE_ASPECT_RATIO = 'INVALID_IMAGE_ASPECT_RATIO',
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  INVALID_IDEMPOTENCY_KEY = 'INVALID_IDEMPOTENCY_KEY',
}

/** One problem, located by its path inside the mode's input, e.g. `["options", "frames"]`. */
export interface InputIssue {
  path: string[];
  code: InputIssueCode;
  message: string;
}
