import { createUnionType } from 'type-graphql';
import { GenerateVideoSuccess } from '../types/generate-video-success.type';
import { InvalidInputError } from '../types/invalid-input-error.type';
import { RateLimitedError } from '../types/rate-limited-error.type';
import { UpstreamError } from '../types/upstream-error.type';

/** Every expected outcome of `generateVideo`; unexpected failures stay GraphQL errors. */
export const GenerateVideoResult = createUnionType({
  name: 'GenerateVideoResult',
  types: () => [GenerateVideoSuccess, InvalidInputError, UpstreamError, RateLimitedError] as const,
});
