/**
 * Error codes the simulator answers with, from the docs' tables. T2V documents a code per
 * request problem (003004001..010); I2V documents only 003006095..099, so every I2V request
 * problem is reported as 003006099 (task creation error) with a precise message.
 */
import { assertNever, type ModelFamily } from './wire-values';

/** What is wrong with a create request, independent of the model family. */
export type RequestProblem =
  | 'missing_content'
  | 'invalid_content_format'
  | 'invalid_resolution'
  | 'invalid_ratio'
  | 'invalid_duration'
  | 'invalid_frames'
  | 'invalid_seed'
  | 'invalid_boolean'
  | 'missing_content_type'
  | 'missing_text'
  /** Anything the docs give no specific code for (model, tier, expiry, callback URL, I2V rules). */
  | 'task_creation';

/** Failures of the service itself, as opposed to problems with the request. */
export type ServiceProblem = 'generation_failed' | 'result_parsing' | 'http_error' | 'status_check' | 'task_creation';

/** The wire code for a request problem. */
export function requestProblemCode(family: ModelFamily, problem: RequestProblem): string {
  switch (family) {
    case 'i2v':
      return '003006099';
    case 't2v':
      return `003004${t2vSuffix(problem)}`;
    default:
      return assertNever(family);
  }
}

function t2vSuffix(problem: RequestProblem): string {
  switch (problem) {
    case 'missing_content':
      return '001';
    case 'invalid_content_format':
      return '002';
    case 'invalid_resolution':
      return '003';
    case 'invalid_ratio':
      return '004';
    case 'invalid_duration':
      return '005';
    case 'invalid_frames':
      return '006';
    case 'invalid_seed':
      return '007';
    case 'invalid_boolean':
      return '008';
    case 'missing_content_type':
      return '009';
    case 'missing_text':
      return '010';
    case 'task_creation':
      return '099';
    default:
      return assertNever(problem);
  }
}

/** The wire code for a service failure (095..099 in the model's family). */
export function serviceProblemCode(family: ModelFamily, problem: ServiceProblem): string {
  const prefix = family === 't2v' ? '003004' : '003006';
  switch (problem) {
    case 'generation_failed':
      return `${prefix}095`;
    case 'result_parsing':
      return `${prefix}096`;
    case 'http_error':
      return `${prefix}097`;
    case 'status_check':
      return `${prefix}098`;
    case 'task_creation':
      return `${prefix}099`;
    default:
      return assertNever(problem);
  }
}

/** Code for answers that are not about the Spark Dance API itself (auth, unknown routes). */
export const SIMULATOR_ONLY_CODES = {
  unauthorized: 'unauthorized',
  badRequest: 'bad_request',
  notFound: 'not_found',
  methodNotAllowed: 'method_not_allowed',
  payloadTooLarge: 'payload_too_large',
  badControlRequest: 'bad_control_request',
  internal: 'internal_error',
} as const;

/** A wire error body: `{ "error": { "code", "error_message" } }`. */
export interface WireErrorBody {
  error: { code: string; error_message: string };
}

/** Builds a wire error body. */
export function errorBody(code: string, message: string): WireErrorBody {
  return { error: { code, error_message: message } };
}
