import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import {
  CreateOutcomeUnknownError,
  InvalidGenerationError,
  UpstreamBusyError,
  UpstreamSubmissionError,
} from '../../services/generation-errors';
import { SubmissionLimitError } from '../../services/submission-limits';
import type { GatewayContext } from '../context';
import { GenerateVideoInput, toGenerationRequest } from '../inputs/generate-video.input';
import type { GatewayServices } from '../services';
import { GenerateVideoSuccess } from '../types/generate-video-success.type';
import { InvalidInputError } from '../types/invalid-input-error.type';
import { RateLimitedError } from '../types/rate-limited-error.type';
import { UpstreamError } from '../types/upstream-error.type';
import { GenerateVideoResult } from '../unions/generate-video-result.union';

@Resolver()
export class GenerateVideoResolver {
  constructor(private readonly services: GatewayServices) {}

  @Mutation(() => GenerateVideoResult, {
    description: 'Submits a generation. Input is fully validated before anything is sent upstream (and charged).',
  })
  async generateVideo(
    @Arg('input', () => GenerateVideoInput) input: GenerateVideoInput,
    @Arg('idempotencyKey', () => String, {
      nullable: true,
      description:
        'Names this submission for 24 h (IDEMPOTENCY_TTL_SECONDS), per client: the same key with the same input ' +
        'returns the same task (replayed: true) without a new upstream create; with another input it is ' +
        'IDEMPOTENCY_KEY_REUSED. 1 to 255 characters.',
    })
    idempotencyKey: string | null | undefined,
    @Ctx() { viewer }: GatewayContext,
  ): Promise<typeof GenerateVideoResult> {
    try {
      const submitted = await this.services.generation.submit(
        viewer.clientId,
        toGenerationRequest(input),
        idempotencyKey,
      );
      return new GenerateVideoSuccess(submitted);
    } catch (error) {
      return toProblem(error);
    }
  }
}

/** Expected failures become union members; anything else stays an (masked) GraphQL error. */
function toProblem(error: unknown): InvalidInputError | UpstreamError | RateLimitedError {
  if (error instanceof InvalidGenerationError) {
    return new InvalidInputError({ message: error.message, issues: error.issues });
  }
  if (error instanceof CreateOutcomeUnknownError) {
    // Not retryable: a repeat may pay twice (with a key, it returns this answer and never creates).
    const { taskId, code, upstreamCode, message } = error;
    return new UpstreamError({ code, message, upstreamCode, retryable: false, taskId });
  }
  if (error instanceof SubmissionLimitError || error instanceof UpstreamBusyError) {
    const { code, message, retryAfterSeconds } = error;
    return new RateLimitedError({ code, message, retryAfterSeconds });
  }
  if (error instanceof UpstreamSubmissionError) {
    const { code, message, upstreamCode, retryable } = error;
    return new UpstreamError({ code, message, upstreamCode, retryable });
  }
  throw error;
}
