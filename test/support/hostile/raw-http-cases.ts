import fc from 'fast-check';
import { GENERATE, KEYS } from '../gateway-harness';
import { fieldOrRandomKey } from './generate-video-variables';
import { definitelyInvalidInput } from './invalid-generate-video-inputs';
import { deepListLiteralQuery, deepSelectionQuery, manyAliasesQuery, manyDirectivesQuery } from './oversized-queries';

/**
 * Raw HTTP requests for the gateway's port, as data (turned into bytes by raw-http-case-bytes.ts):
 * GraphQL requests with hostile bodies, headers, methods, targets and framing, pipelined
 * requests, garbage, and requests with a flipped byte or cut short.
 */

/** A request body, as a recipe. */
export type RawBody =
  | { kind: 'none' }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'text'; text: string }
  | { kind: 'json'; value: unknown }
  | { kind: 'truncatedJson'; value: unknown; keep: number }
  | { kind: 'nested'; shape: 'arrays' | 'objects'; depth: number; where: 'body' | 'variables' | 'input' }
  | { kind: 'proto' };
/** How the body is delimited: right, missing, wrong Content-Length, chunked (well or badly), or both headers. */
export type Framing = 'exact' | 'none' | 'short' | 'long' | 'chunked' | 'brokenChunked' | 'lengthAndChunked';
/** One HTTP/1.1 request; `framing` adds the Content-Length / Transfer-Encoding headers. */
export interface RawRequest {
  method: string;
  target: string;
  headers: Array<[string, string]>;
  body: RawBody;
  framing: Framing;
}
/** What one fresh connection is sent. */
export type RawCase =
  | { kind: 'request'; request: RawRequest }
  | { kind: 'pipelined'; requests: RawRequest[] }
  | { kind: 'garbage'; bytes: Uint8Array }
  | { kind: 'garbageText'; text: string }
  | { kind: 'flipped'; request: RawRequest; at: number; byte: number }
  | { kind: 'cut'; request: RawRequest; keep: number };

/** Query texts: valid, wrong, and tricky for the document limits and validation. */
const QUERIES = [
  '{ __typename }',
  GENERATE,
  'query { videoTasks(first: 5) { edges { node { id status } } } }',
  'query($first: Int) { videoTasks(first: $first) { edges { cursor } } }',
  '{ nearestFrameCount(seconds: 2.4) { frames } }',
  'query($s: Float!) { nearestFrameCount(seconds: $s) { frames durationSeconds } }',
  'query($id: ID!) { videoTask(id: $id) { id status } node(id: $id) { id } }',
  'query($from: DateTime!, $to: DateTime!) { usageReport(from: $from, to: $to) { from to } }',
  '{ __schema { types { name } } }',
  '{ __type(name: "VideoTask") { fields { name } } }',
  'subscription { myVideoTaskUpdates { id } }',
  'mutation { __typename }',
  '{ a: __typename b: __typename }',
  'fragment A on Query { ...B } fragment B on Query { ...A } query { ...A }',
  'query Q { __typename } query Q { __typename }',
  'query A { __typename } query B { __typename }',
  '{ __typename @skip(if: true) @include(if: false) @skip(if: false) }',
  '{ videoTsk { id } }',
  '{ nearestFrameCount(seconds: "x") { frames } }',
  'mutation { generateVideo(input: { textToVideo: { prompt: "a" }, firstFrame: { image: "https://x.y/a.png" } }) { __typename } }',
  '{',
  '',
];
/** The `query` of a GraphQL request: mostly from QUERIES, else junk or oversized. */
const queryText: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constantFrom(...QUERIES), weight: 6 },
  { arbitrary: fc.string({ maxLength: 120 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 60 }), weight: 1 },
  { arbitrary: deepSelectionQuery, weight: 1 },
  { arbitrary: deepListLiteralQuery, weight: 1 },
  { arbitrary: manyAliasesQuery, weight: 1 },
  { arbitrary: manyDirectivesQuery, weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 },
);
/** A GraphQL request object (query, variables, operationName, extensions), each field possibly absent or wrong. */
const graphQLRequestValue = fc.record(
  {
    query: queryText,
    variables: fc.oneof(
      fc.constant(null),
      fc.jsonValue({ maxDepth: 3 }),
      fc.record({ input: definitelyInvalidInput }),
      fc.object({ key: fieldOrRandomKey, maxDepth: 3 }),
    ),
    operationName: fc.oneof(
      fc.constant(null),
      fc.constantFrom('Generate', 'Q', 'A', 'B', ''),
      fc.string({ maxLength: 10 }),
      fc.integer(),
    ),
    extensions: fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      // Automatic persisted queries (on by default in Apollo): unknown or wrong hashes, other versions.
      fc.record({
        persistedQuery: fc.oneof(
          fc.record(
            {
              version: fc.constantFrom<unknown>(1, 2, '1', null),
              sha256Hash: fc.oneof(
                fc.constant('ecf4edb46db40b5132295c0291d62fb65d6759a9eedfa4d5d612dd5ec54a6b38'),
                fc.string({ maxLength: 64 }),
              ),
            },
            { requiredKeys: [] },
          ),
          fc.jsonValue({ maxDepth: 1 }),
        ),
      }),
    ),
  },
  { requiredKeys: [] },
);
const jsonBody = (value: unknown): RawBody => ({ kind: 'json', value });

/** A body: mostly a GraphQL request as JSON, else batches, junk, truncated or deeply nested JSON, a prototype-pollution attempt. */
const rawBody: fc.Arbitrary<RawBody> = fc.oneof(
  { arbitrary: graphQLRequestValue.map(jsonBody), weight: 8 },
  { arbitrary: fc.array(graphQLRequestValue, { maxLength: 4 }).map(jsonBody), weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }).map(jsonBody), weight: 1 },
  {
    arbitrary: fc
      .record({ value: graphQLRequestValue, keep: fc.nat() })
      .map(({ value, keep }): RawBody => ({ kind: 'truncatedJson', value, keep })),
    weight: 2,
  },
  { arbitrary: fc.uint8Array({ maxLength: 512 }).map((bytes): RawBody => ({ kind: 'bytes', bytes })), weight: 1 },
  {
    arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((text): RawBody => ({ kind: 'text', text })),
    weight: 1,
  },
  {
    arbitrary: fc
      .record({
        shape: fc.constantFrom('arrays' as const, 'objects' as const),
        depth: fc.oneof(
          fc.integer({ min: 1, max: 100 }),
          fc.integer({ min: 1_000, max: 10_000 }),
          fc.constant(100_000),
        ),
        where: fc.constantFrom('body' as const, 'variables' as const, 'input' as const),
      })
      .map((spec): RawBody => ({ kind: 'nested', ...spec })),
    weight: 2,
  },
  { arbitrary: fc.constant<RawBody>({ kind: 'proto' }), weight: 1 },
  { arbitrary: fc.constant<RawBody>({ kind: 'none' }), weight: 1 },
);
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/graphql-response+json',
  'application/graphql',
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/json; charset=utf-16',
  'application/jsonx',
  'application/octet-stream',
  '',
  '*/*',
  'application/json, text/plain',
];
const AUTHORIZATIONS = [
  `Bearer ${KEYS.alice}`,
  `Bearer ${KEYS.admin}`,
  'Bearer nope',
  'Bearer',
  'Basic a2V5LWFsaWNlOg==',
  `bearer ${KEYS.alice}`,
  `Bearer ${KEYS.alice} extra`,
  `Bearer ${'x'.repeat(8000)}`,
];
const EXTRA_HEADERS: Array<[string, string]> = [
  ['apollo-require-preflight', 'true'],
  ['x-apollo-operation-name', 'Q'],
  ['Accept', 'application/graphql-response+json'],
  ['Accept', 'multipart/mixed; deferSpec=20220824'],
  ['Accept', 'text/event-stream'],
  ['Accept', 'text/html'],
  ['Content-Encoding', 'gzip'],
  ['Expect', '100-continue'],
  ['Expect', 'nonsense'],
  ['Upgrade', 'websocket'],
  ['Connection', 'Upgrade'],
  ['Connection', 'close'],
  ['Connection', 'keep-alive'],
  ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
  ['Sec-WebSocket-Version', '13'],
  ['Sec-WebSocket-Protocol', 'graphql-transport-ws'],
  ['X-Request-Id', 'x'.repeat(5000)],
  ['Content-Type', 'text/plain'],
  ['Transfer-Encoding', 'gzip'],
  ['Host', 'evil.example'],
  ['Authorization', `Bearer ${KEYS.bob}`],
  ['Origin', 'https://evil.example'],
  ['Content-Length', '0'],
];
const TARGETS = [
  '/graphql',
  '/graphql?query=%7B__typename%7D',
  `/graphql?query=${encodeURIComponent('mutation { __typename }')}`,
  `/graphql?query=${encodeURIComponent(GENERATE)}&variables=%7B%22input%22%3A%7B%7D%7D`,
  '/graphql?query={__typename}&variables=%7Bx',
  '/graphql?extensions=%7B%22persistedQuery%22%3A1%7D',
  '/graphql?',
  '/graphql/',
  '/GRAPHQL',
  '//graphql',
  '/graphql/../graphql',
  '/./graphql',
  '/graphql%00',
  '/',
  '/healthz',
  '/readyz',
  '/webhooks/spark-dance/abc',
  '/webhooks/spark-dance/',
  '/%ZZ',
  '*',
  'http://127.0.0.1/graphql',
  '/graphql#fragment',
  `/graphql?${'a=b&'.repeat(1500)}`,
  `/${'a'.repeat(12_000)}`,
  'graphql',
];
const METHODS = [
  'GET',
  'POST',
  'POST',
  'POST',
  'POST',
  'PUT',
  'DELETE',
  'PATCH',
  'OPTIONS',
  'HEAD',
  'TRACE',
  'CONNECT',
  'PROPFIND',
  'FOO',
  'get',
  'P OST',
  '',
];
/** One request: mostly a POST to /graphql with the right headers, else any method, target, headers and framing. */
const rawRequest: fc.Arbitrary<RawRequest> = fc
  .record({
    method: fc.oneof(
      { arbitrary: fc.constant('POST'), weight: 1 },
      { arbitrary: fc.constantFrom(...METHODS), weight: 1 },
    ),
    target: fc.oneof(
      { arbitrary: fc.constant('/graphql'), weight: 4 },
      { arbitrary: fc.constantFrom(...TARGETS), weight: 4 },
      { arbitrary: fc.webPath().map((path) => path || '/'), weight: 1 },
      { arbitrary: fc.string({ maxLength: 40 }).map((q) => `/graphql?query=${encodeURIComponent(q)}`), weight: 1 },
    ),
    host: fc.oneof(
      { arbitrary: fc.constant<[string, string] | null>(['Host', '127.0.0.1']), weight: 9 },
      { arbitrary: fc.constant(null), weight: 1 },
    ),
    contentType: fc.oneof(
      { arbitrary: fc.constant<string | null>('application/json'), weight: 3 },
      { arbitrary: fc.constantFrom(...CONTENT_TYPES), weight: 3 },
      { arbitrary: fc.constant(null), weight: 1 },
    ),
    authorization: fc.option(fc.constantFrom(...AUTHORIZATIONS), { nil: null, freq: 8 }),
    extra: fc.array(
      fc.oneof(
        { arbitrary: fc.constantFrom(...EXTRA_HEADERS), weight: 3 },
        // A random header; values with control characters make Node refuse the request (400).
        { arbitrary: fc.tuple(fc.stringMatching(/^[A-Za-z0-9-]{1,20}$/), fc.string({ maxLength: 40 })), weight: 1 },
      ),
      { maxLength: 4 },
    ),
    body: rawBody,
    framing: fc.oneof(
      { arbitrary: fc.constant<Framing>('exact'), weight: 8 },
      {
        arbitrary: fc.constantFrom<Framing>('none', 'short', 'long', 'chunked', 'brokenChunked', 'lengthAndChunked'),
        weight: 2,
      },
    ),
  })
  .map(({ method, target, host: hostHeader, contentType, authorization, extra, body, framing }) => ({
    method,
    target,
    headers: [
      ...(hostHeader ? [hostHeader] : []),
      ...(contentType !== null ? [['Content-Type', contentType] as [string, string]] : []),
      ...(authorization !== null ? [['Authorization', authorization] as [string, string]] : []),
      ...extra,
    ],
    body,
    framing,
  }));
/** What one connection is sent: mostly one request, else pipelined requests, garbage, a flipped byte or a cut. */
export const rawHttpCase: fc.Arbitrary<RawCase> = fc.oneof(
  { arbitrary: rawRequest.map((request): RawCase => ({ kind: 'request', request })), weight: 12 },
  {
    arbitrary: fc
      .array(rawRequest, { minLength: 2, maxLength: 3 })
      .map((requests): RawCase => ({ kind: 'pipelined', requests })),
    weight: 1,
  },
  {
    arbitrary: fc.uint8Array({ minLength: 1, maxLength: 512 }).map((bytes): RawCase => ({ kind: 'garbage', bytes })),
    weight: 1,
  },
  {
    arbitrary: fc
      .string({ unit: 'binary', minLength: 1, maxLength: 200 })
      .map((text): RawCase => ({ kind: 'garbageText', text })),
    weight: 1,
  },
  {
    arbitrary: fc
      .record({ request: rawRequest, at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) })
      .map((spec): RawCase => ({ kind: 'flipped', ...spec })),
    weight: 1,
  },
  {
    arbitrary: fc.record({ request: rawRequest, keep: fc.nat() }).map((spec): RawCase => ({ kind: 'cut', ...spec })),
    weight: 1,
  },
);

/** The methods of the requests a case holds, in order, as far as they are known. */
export function caseMethods(rawCase: RawCase): string[] {
  switch (rawCase.kind) {
    case 'request':
    case 'flipped':
    case 'cut':
      return [rawCase.request.method];
    case 'pipelined':
      return rawCase.requests.map((request) => request.method);
    default:
      return [];
  }
}
