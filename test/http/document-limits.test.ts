import { getIntrospectionQuery } from 'graphql';
import type { Client } from 'graphql-ws';
import { loadConfig } from '../../src/config/config';
import { startHarness, TASK_FIELDS, type Harness } from '../support/gateway-harness';
import { subscribe, wsClient } from '../support/ws-client';
import { nestedOfTypes } from '../support/nested-of-types';

const DEFAULTS = loadConfig({ NODE_ENV: 'test' }).graphql;

/** The messages of the `error` message graphql-ws answers a refused operation with. */
async function wsErrors(client: Client, query: string): Promise<string[]> {
  const outcome = await subscribe(client, query).completed.then(
    (events) => ({ events }),
    (errors: unknown) => ({ errors }),
  );
  if (!('errors' in outcome) || !Array.isArray(outcome.errors))
    throw new Error(`expected an error message, got ${JSON.stringify(outcome)}`);
  return (outcome.errors as Array<{ message: string }>).map((error) => error.message);
}

const roots = (n: number) => Array.from({ length: n }, (_, i) => `r${i}: videoTask(id: "${i}") { id }`).join(' ');

/** One query per limit, each just over the default, and graphql's message for it. */
const OVER_DEFAULTS: Array<[string, string, string | RegExp]> = [
  [
    'depth, hidden in nested fragments',
    `{ __schema { types { ...Outer } } } fragment Outer on __Type { fields { type { ...Inner } } } fragment Inner on __Type { ${nestedOfTypes(DEFAULTS.maxDepth - 4)} }`,
    `Query depth limit of ${DEFAULTS.maxDepth} exceeded, found ${DEFAULTS.maxDepth + 1}.`,
  ],
  [
    'aliases',
    `{ videoTask(id: "x") { ${Array.from({ length: DEFAULTS.maxAliases + 1 }, (_, i) => `a${i}: id`).join(' ')} } }`,
    `Aliases limit of ${DEFAULTS.maxAliases} exceeded, found ${DEFAULTS.maxAliases + 1}.`,
  ],
  [
    'root fields, through a fragment',
    `{ ...R } fragment R on Query { ${roots(DEFAULTS.maxRootFields + 1)} }`,
    `Root field limit of ${DEFAULTS.maxRootFields} exceeded, found ${DEFAULTS.maxRootFields + 1}.`,
  ],
  [
    'cost',
    `{ ${['a', 'b'].map((alias) => `${alias}: videoTasks(first: 100) { edges { node { ${TASK_FIELDS} } } }`).join(' ')} }`,
    new RegExp(`^Query Cost limit of ${DEFAULTS.maxCost} exceeded, found \\d+`),
  ],
  [
    'directives',
    `{ ${Array.from({ length: DEFAULTS.maxDirectives + 1 }, () => '__typename @include(if: true)').join(' ')} }`,
    `Directives limit of ${DEFAULTS.maxDirectives} exceeded, found ${DEFAULTS.maxDirectives + 1}.`,
  ],
];

describe('document limits over HTTP and graphql-ws (defaults, development)', () => {
  let h: Harness;
  let client: Client;
  beforeAll(async () => {
    h = await startHarness();
    client = wsClient(h.gateway.url, 'Bearer key-alice');
  });
  afterAll(async () => {
    await client.dispose();
    await h.stop();
  });

  it.each(OVER_DEFAULTS)(
    'refuses %s: HTTP 400 GRAPHQL_VALIDATION_FAILED, graphql-ws an error message',
    async (_name, query, message) => {
      const http = await h.gql(query);
      expect(http.status).toBe(400);
      expect(http.data).toBeUndefined();
      expect(http.errors).toEqual([
        expect.objectContaining({
          message: typeof message === 'string' ? message : expect.stringMatching(message),
          extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED' }),
        }),
      ]);
      expect(await wsErrors(client, query)).toEqual([
        typeof message === 'string' ? message : expect.stringMatching(message),
      ]);
    },
  );

  it('refuses too many tokens while parsing: HTTP 400 GRAPHQL_PARSE_FAILED, graphql-ws an error message', async () => {
    const query = `{ usageReport(from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z", groupBy: [${Array.from({ length: DEFAULTS.maxTokens }, () => 'MODEL').join(' ')}]) { from } }`;
    const message = expect.stringMatching(
      new RegExp(`^Syntax Error: Document contains more tha[nt] ${DEFAULTS.maxTokens} tokens`),
    );
    const http = await h.gql(query);
    expect(http.status).toBe(400);
    expect(http.errors).toEqual([
      expect.objectContaining({ message, extensions: expect.objectContaining({ code: 'GRAPHQL_PARSE_FAILED' }) }),
    ]);
    expect(await wsErrors(client, query)).toEqual([message]);
  });

  it("answers graphql's introspection query on both paths (introspection is on outside production)", async () => {
    const http = await h.gql(getIntrospectionQuery());
    expect(http.status).toBe(200);
    expect(http.errors).toBeUndefined();
    expect(http.data?.__schema.queryType.name).toBe('Query');
    const [ws] = await subscribe(client, getIntrospectionQuery()).completed;
    expect(ws?.__schema.queryType.name).toBe('Query');
  });

  it('still shows field suggestions outside production, on both paths', async () => {
    const typo = '{ videoTsk(id: "x") { id } }';
    expect((await h.gql(typo)).errors?.[0]?.message).toMatch(/Did you mean "videoTask"/);
    expect(await wsErrors(client, typo)).toEqual([expect.stringMatching(/Did you mean "videoTask"/)]);
  });
});

describe('document limits over HTTP and graphql-ws (production, limits from the environment)', () => {
  let h: Harness;
  let client: Client;
  beforeAll(async () => {
    h = await startHarness({
      env: {
        NODE_ENV: 'production',
        GRAPHQL_INTROSPECTION: 'true',
        GRAPHQL_MAX_DEPTH: '4',
        GRAPHQL_MAX_ROOT_FIELDS: '3',
      },
    });
    client = wsClient(h.gateway.url, 'Bearer key-alice');
  });
  afterAll(async () => {
    await client.dispose();
    await h.stop();
  });

  it('applies GRAPHQL_MAX_DEPTH and GRAPHQL_MAX_ROOT_FIELDS on both paths', async () => {
    const deep = '{ videoTasks { edges { node { images { url } } } } }';
    expect((await h.gql(deep)).errors).toEqual([
      expect.objectContaining({ message: 'Query depth limit of 4 exceeded, found 5.' }),
    ]);
    expect(await wsErrors(client, deep)).toEqual(['Query depth limit of 4 exceeded, found 5.']);
    expect((await h.gql(`{ ${roots(4)} }`)).errors).toEqual([
      expect.objectContaining({ message: 'Root field limit of 3 exceeded, found 4.' }),
    ]);
    expect(await wsErrors(client, `{ ${roots(4)} }`)).toEqual(['Root field limit of 3 exceeded, found 4.']);
    // Within the limits, both answer.
    expect((await h.gql(`{ ${roots(3)} }`)).data).toEqual({ r0: null, r1: null, r2: null });
    expect(await subscribe(client, `{ ${roots(3)} }`).completed).toEqual([{ r0: null, r1: null, r2: null }]);
  });

  it('hides field suggestions on both paths', async () => {
    const typo = '{ videoTsk(id: "x") { id } }';
    const message = 'Cannot query field "videoTsk" on type "Query".';
    expect((await h.gql(typo)).errors).toEqual([expect.objectContaining({ message })]);
    expect(await wsErrors(client, typo)).toEqual([message]);
    const badArgument = '{ videoTask(idd: "x") { id } }';
    expect(JSON.stringify((await h.gql(badArgument)).errors)).not.toMatch(/Did you mean/);
    expect(JSON.stringify(await wsErrors(client, badArgument))).not.toMatch(/Did you mean/);
  });

  it('GRAPHQL_INTROSPECTION=true turns introspection on in production, on both paths', async () => {
    const query = '{ __schema { queryType { name } } }';
    expect((await h.gql(query)).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    expect(await subscribe(client, query).completed).toEqual([{ __schema: { queryType: { name: 'Query' } } }]);
  });
});
