import { GENERATE } from '../gateway-harness';
import { zeroDataUrl } from '../images';

/**
 * The JSON bodies of five GraphQL requests of about `size` characters each that the gateway
 * must refuse (a 400, or an InvalidInputError), made distinct by `i` so that no cache can
 * answer one from another.
 */
export const oversizedRefusedBodies = (i: number, size: number): string[] => [
  // An idempotency key far over 255 characters, on an input that is invalid anyway.
  JSON.stringify({
    query: GENERATE,
    variables: {
      input: { textToVideo: { prompt: `p${i}`, options: { duration: 99 } } },
      key: `${i}`.padEnd(size, 'k'),
    },
  }),
  // An enum value that is no member (graphql-js echoes it in its message).
  JSON.stringify({
    query: GENERATE,
    variables: { input: { textToVideo: { prompt: `p${i}`, options: { resolution: `${i}`.padEnd(size, 'X') } } } },
  }),
  // A data URL that decodes (about 190 KB for 256 KB) to something that is not an image.
  JSON.stringify({
    query: GENERATE,
    variables: { input: { firstFrame: { image: zeroDataUrl(((size / 4) | 0) * 3 - 3 * (i % 7)), prompt: `p${i}` } } },
  }),
  // A blank prompt of `size` characters and more.
  JSON.stringify({ query: GENERATE, variables: { input: { textToVideo: { prompt: ' '.repeat(size + i) } } } }),
  // A query text far over the token limit.
  JSON.stringify({ query: `{ a${i} ${'b '.repeat(size / 2)}}` }),
];
