import { GraphQLError } from 'graphql';
import { Arg, Float, Query, Resolver } from 'type-graphql';
import { nearestFrameCount } from '../../domain/frames';
import { FrameCount } from '../types/frame-count.type';

@Resolver()
export class FrameCountResolver {
  @Query(() => FrameCount, {
    description: 'The valid frame count nearest to seconds * 24 (e.g. 2.4 -> 57 frames, 2.375 s).',
  })
  nearestFrameCount(@Arg('seconds', () => Float) seconds: number): FrameCount {
    try {
      return nearestFrameCount(seconds);
    } catch (error) {
      if (error instanceof RangeError) {
        throw new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT', argumentName: 'seconds' } });
      }
      throw error;
    }
  }
}
