import fc from 'fast-check';
import { GENERATE } from '../gateway-harness';
import { anyIdempotencyKey, arbitraryInput } from './generate-video-variables';
import { definitelyInvalidInput } from './invalid-generate-video-inputs';
import { deepSelectionQuery } from './oversized-queries';

/**
 * Raw messages a client sends on a graphql-transport-ws socket (after connection_init):
 * mostly subscribe messages, well formed or not, plus complete/ping/pong, messages only a
 * server may send, junk text, JSON of any shape and binary frames.
 */

/** One frame to send: text as is, a JSON value (in a text or a binary frame), or raw bytes in a binary frame. */
export type WsClientFrame = { text: unknown } | { json: unknown; binary: boolean } | { bytes: Uint8Array };

/** Query texts: operations of every kind, wrong ones and some the limits refuse. */
const WS_QUERIES = [
  '{ __typename }',
  'query { nearestFrameCount(seconds: 2.4) { frames } }',
  'query($s: Float!) { nearestFrameCount(seconds: $s) { frames } }',
  'query { nearestFrameCount(seconds: -1) { frames } }',
  'subscription { myVideoTaskUpdates { id status } }',
  'subscription($id: ID!) { videoTaskUpdated(id: $id) { id status } }',
  'subscription { videoTaskUpdated(id: "vt_nope") { id } }',
  'subscription { a: myVideoTaskUpdates { id } b: myVideoTaskUpdates { id } }',
  'subscription { myVideoTaskUpdates { id } } subscription { myVideoTaskUpdates { status } }',
  GENERATE,
  'mutation { __typename }',
  '{ __schema { types { name } } }',
  'query($id: ID!) { videoTask(id: $id) { id } }',
  '{ videoTasks(first: 1000) { edges { cursor } } }',
  'fragment A on Query { ...A } { ...A }',
  '{',
];

/** Ids from a small pool (so duplicates happen), including names special to JavaScript objects. */
const wsId = fc.oneof(
  {
    arbitrary: fc.constantFrom('1', '2', 'a', '__proto__', 'constructor', 'toString', 'hasOwnProperty', ' ', '😀'),
    weight: 4,
  },
  { arbitrary: fc.string({ minLength: 1, maxLength: 10 }), weight: 1 },
);

/** Ids graphql-ws refuses (4400). */
const badWsId = fc.constantFrom<unknown>('', 1, null, {}, ['1'], undefined);
/** Any id, valid or not. */
const anyWsId = fc.oneof(wsId, badWsId);

/** `variables` for WS_QUERIES: none, junk, refused generateVideo inputs, wrong $id and $s. */
const wsVariables = fc.oneof(
  fc.constant(null),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  // For the generateVideo mutation: inputs that must be refused, and junk.
  fc.record(
    { input: fc.oneof(definitelyInvalidInput, arbitraryInput), key: anyIdempotencyKey },
    { requiredKeys: ['input'] },
  ),
  // For the queries and subscriptions with $id and $s: missing, wrong types, unknown ids.
  fc.record(
    {
      id: fc.oneof(fc.string({ maxLength: 10 }), fc.constant('vt_nope'), fc.integer(), fc.constant(null)),
      s: fc.oneof(fc.double(), fc.string({ maxLength: 5 }), fc.constant(null)),
    },
    { requiredKeys: [] },
  ),
);

/** A subscribe message graphql-ws accepts as a message (what it asks for is another matter). */
const wellFormedSubscribe = fc
  .record(
    {
      id: wsId,
      query: fc.oneof(
        { arbitrary: fc.constantFrom(...WS_QUERIES), weight: 6 },
        { arbitrary: fc.string({ maxLength: 80 }), weight: 1 },
        { arbitrary: deepSelectionQuery, weight: 1 },
      ),
      variables: wsVariables,
      operationName: fc.option(fc.constantFrom('A', 'Generate', '', 'nope'), { nil: null }),
      extensions: fc.option(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }), {
        nil: null,
      }),
    },
    { requiredKeys: ['id', 'query'] },
  )
  .map(({ id, ...payload }) => ({ type: 'subscribe', id, payload }));

/** A subscribe message graphql-ws must refuse: bad id, query not a string, variables/extensions not objects, ... */
const malformedSubscribe = fc
  .record(
    {
      id: anyWsId,
      payload: fc.oneof(
        fc.record(
          {
            query: fc.oneof(fc.constantFrom(...WS_QUERIES), fc.jsonValue({ maxDepth: 1 })),
            variables: fc.jsonValue({ maxDepth: 2 }),
            operationName: fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean()),
            extensions: fc.jsonValue({ maxDepth: 2 }),
          },
          { requiredKeys: [] },
        ),
        fc.jsonValue({ maxDepth: 2 }),
      ),
    },
    { requiredKeys: [] },
  )
  .map((message) => ({ type: 'subscribe', ...message }));

/** Message types of this protocol, of the legacy subscriptions-transport-ws one, and near misses. */
const WS_TYPES = [
  'connection_init',
  'connection_ack',
  'ping',
  'pong',
  'subscribe',
  'next',
  'error',
  'complete',
  'Subscribe',
  'start',
  'stop',
  'connection_terminate',
  'ka',
  '',
];

const inTextFrame = (json: unknown): WsClientFrame => ({ json, binary: false });

/** One client message: mostly a well-formed subscribe, else anything a client could send. */
export const wsClientFrame: fc.Arbitrary<WsClientFrame> = fc.oneof(
  { arbitrary: wellFormedSubscribe.map(inTextFrame), weight: 10 },
  { arbitrary: malformedSubscribe.map(inTextFrame), weight: 1 },
  { arbitrary: anyWsId.map((id) => inTextFrame({ type: 'complete', id })), weight: 2 },
  {
    arbitrary: fc
      .record({
        type: fc.constantFrom('ping', 'pong'),
        payload: fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }),
      })
      .map(inTextFrame),
    weight: 2,
  },
  // Messages only a server may send, well formed otherwise.
  {
    arbitrary: fc
      .oneof(
        fc.constant<unknown>({ type: 'connection_ack' }),
        fc.record({
          type: fc.constant('next'),
          id: wsId,
          payload: fc.constantFrom({}, { data: null }, { data: { __typename: 'Query' } }),
        }),
        fc.record({ type: fc.constant('error'), id: wsId, payload: fc.constant([{ message: 'x' }]) }),
      )
      .map(inTextFrame),
    weight: 1,
  },
  // Any type, any id, any payload.
  {
    arbitrary: fc
      .record(
        {
          type: fc.oneof(fc.constantFrom(...WS_TYPES), fc.string({ maxLength: 12 }), fc.integer()),
          id: anyWsId,
          payload: fc.jsonValue({ maxDepth: 3 }),
        },
        { requiredKeys: ['type'] },
      )
      .map(inTextFrame),
    weight: 1,
  },
  { arbitrary: fc.string({ maxLength: 200 }).map((text): WsClientFrame => ({ text })), weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }).map(inTextFrame), weight: 1 },
  { arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes): WsClientFrame => ({ bytes })), weight: 1 },
  // A well-formed subscribe, but in a binary frame.
  { arbitrary: wellFormedSubscribe.map((json): WsClientFrame => ({ json, binary: true })), weight: 1 },
);
