import type { GenerationService } from '../services/generation-service';
import {
  CreateOutcomeUnknownError,
  InvalidGenerationError,
  UpstreamBusyError,
  UpstreamSubmissionError,
} from '../services/generation-errors';
import { SubmissionLimitError } from '../services/submission-limits';
import { UpstreamErrorCode } from '../upstream/error-codes';
import type { GatewayMetrics } from './metrics';

/** The code a refused submission is answered with, or undefined for an unexpected failure. */
export function refusalCode(error: unknown): string | undefined {
  if (error instanceof InvalidGenerationError) return 'INVALID_INPUT';
  if (error instanceof CreateOutcomeUnknownError) return UpstreamErrorCode.CREATE_OUTCOME_UNKNOWN;
  if (error instanceof SubmissionLimitError) return error.code;
  if (error instanceof UpstreamBusyError || error instanceof UpstreamSubmissionError) return error.code;
  return undefined;
}

/** `generation` counting every refused submission by code (`INTERNAL` for unexpected failures). */
export function countRefusals(
  generation: Pick<GenerationService, 'submit'>,
  metrics: GatewayMetrics,
): Pick<GenerationService, 'submit'> {
  return {
    submit: (clientId, request, idempotencyKey) =>
      generation.submit(clientId, request, idempotencyKey).catch((error: unknown) => {
        metrics.submissionRefusals.inc({ code: refusalCode(error) ?? 'INTERNAL' });
        throw error;
      }),
  };
}
