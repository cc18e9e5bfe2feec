import { getIntrospectionQuery, parse, specifiedRules, validate, type GraphQLError } from 'graphql';
import { loadConfig } from '../../src/config/config';
import { buildGatewaySchema } from '../../src/graphql/build-schema';
import { documentParseOptions, documentValidationRules, type DocumentLimits } from '../../src/graphql/document-limits';
import { GENERATE, TASK_FIELDS } from '../support/gateway-harness';
import { nestedOfTypes } from '../support/nested-of-types';

const schema = buildGatewaySchema();
/** The limits a gateway gets without any GRAPHQL_* variable. */
const DEFAULTS: DocumentLimits = loadConfig({ NODE_ENV: 'test' }).graphql;

/** Parses with the limits' parse options and validates with graphql's rules plus the limits. */
function check(query: string, limits: Partial<DocumentLimits> = {}): string[] {
  const all = { ...DEFAULTS, ...limits };
  let errors: readonly GraphQLError[];
  try {
    errors = validate(schema, parse(query, documentParseOptions(all)), [
      ...specifiedRules,
      ...documentValidationRules(all),
    ]);
  } catch (error) {
    return [(error as Error).message];
  }
  return errors.map((error) => error.message);
}

describe('document limits', () => {
  describe('defaults accept what clients normally send', () => {
    const readme = [
      'mutation { generateVideo(input: { textToVideo: { prompt: "a red fox running through fresh snow", options: { resolution: P720, duration: 5 } } }) { __typename ... on GenerateVideoSuccess { warnings task { id status expiresAt } } ... on InvalidInputError { issues { path code message } } ... on UpstreamError { code message retryable } ... on RateLimitedError { retryAfterSeconds } } }',
      'query { videoTask(id: "vt_...") { status revision videos { url durationSeconds } lastFrameUrl usage { costUsd totalTokens } error { code message } } }',
      'subscription { videoTaskUpdated(id: "vt_...") { status revision videos { url } usage { costUsd } error { code message } } }',
      'subscription { myVideoTaskUpdates { id status revision } }',
      `query { videoTasks(first: 20, filter: { status: [SUCCEEDED], createdAfter: "2026-01-01T00:00:00Z" }) {
        edges { cursor node { id status createdAt usage { costUsd } } } pageInfo { hasNextPage endCursor } } }`,
      `query { usageReport(from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z", granularity: DAY, groupBy: [MODEL, RESOLUTION]) {
        totals { tasks succeeded failed expired costUsd totalTokens videoSeconds }
        buckets { start end model resolution totals { tasks costUsd } } } }`,
    ];

    it.each(readme.map((query, i) => [i, query]))('README query #%i', (_i, query) => {
      expect(check(query)).toEqual([]);
    });

    it('the test helpers: GENERATE and a whole task', () => {
      expect(check(GENERATE)).toEqual([]);
      expect(check(`query($id: ID!) { videoTask(id: $id) { ${TASK_FIELDS} } }`)).toEqual([]);
      expect(
        check(
          `query($first: Int) { videoTasks(first: $first) { edges { cursor node { ${TASK_FIELDS} } } pageInfo { hasNextPage endCursor } } }`,
        ),
      ).toEqual([]);
    });

    it("graphql's introspection query, plain and with every option (GraphiQL, codegen)", () => {
      expect(check(getIntrospectionQuery())).toEqual([]);
      const everything = {
        descriptions: true,
        specifiedByUrl: true,
        directiveIsRepeatable: true,
        schemaDescription: true,
        inputValueDeprecation: true,
        oneOf: true,
      };
      expect(check(getIntrospectionQuery(everything))).toEqual([]);
    });
  });

  describe('depth', () => {
    it('refuses nesting beyond the limit with a clear message, not a syntax error', () => {
      const query = '{ videoTasks { edges { node { images { url } } } } }'; // depth 5
      expect(check(query, { maxDepth: 5 })).toEqual([]);
      expect(check(query, { maxDepth: 4 })).toEqual(['Query depth limit of 4 exceeded, found 5.']);
    });

    it('counts the depth of (nested) fragments in full; spreads add no level of their own', () => {
      const hidden = `
        { ...A }
        fragment A on Query { videoTasks { ...B } }
        fragment B on VideoTaskConnection { edges { ...C } }
        fragment C on VideoTaskEdge { node { ... on VideoTask { images { url } } } }`;
      expect(check(hidden, { maxDepth: 5 })).toEqual([]);
      expect(check(hidden, { maxDepth: 4 })).toEqual(['Query depth limit of 4 exceeded, found 5.']);
    });

    it('counts a fragment used shallow first and deep later at its deep use (advisory fixed by Armor PR #824)', () => {
      const reused = `
        { videoTask(id: "x") { ...T } videoTasks { edges { node { ...T } } } }
        fragment T on VideoTask { images { url } }`;
      expect(check(reused, { maxDepth: 4 })).toEqual(['Query depth limit of 4 exceeded, found 5.']);
    });

    it('counts introspection: the default limit stops a deep __schema query hidden in fragments', () => {
      const deep = `
        { __schema { types { ...Outer } } }
        fragment Outer on __Type { fields { type { ...Inner } } }
        fragment Inner on __Type { ${nestedOfTypes(12)} }`;
      // __schema, types, fields, type, 12 x ofType, name = 17 levels
      expect(check(deep)).toEqual([`Query depth limit of ${DEFAULTS.maxDepth} exceeded, found 17.`]);
    });

    it('a fragment or alias named __schema opts nothing out of the depth count (advisory of Armor PR #823)', () => {
      const fragmentNamed = `
        { ...__schema }
        fragment __schema on Query { __type(name: "VideoTask") { ${nestedOfTypes(DEFAULTS.maxDepth)} } }`;
      expect(check(fragmentNamed)).toEqual([
        `Query depth limit of ${DEFAULTS.maxDepth} exceeded, found ${DEFAULTS.maxDepth + 2}.`,
      ]);
      const aliased = `{ __schema: __type(name: "VideoTask") { ${nestedOfTypes(DEFAULTS.maxDepth)} } }`;
      expect(check(aliased)).toEqual([
        `Query depth limit of ${DEFAULTS.maxDepth} exceeded, found ${DEFAULTS.maxDepth + 2}.`,
      ]);
      // And the real __schema field is counted as well.
      expect(check(`{ __schema { queryType { ${nestedOfTypes(DEFAULTS.maxDepth)} } } }`)).toEqual([
        `Query depth limit of ${DEFAULTS.maxDepth} exceeded, found ${DEFAULTS.maxDepth + 3}.`,
      ]);
    });
  });

  describe('aliases', () => {
    const aliases = (n: number) => Array.from({ length: n }, (_, i) => `a${i}: id`).join(' ');

    it('refuses more than the limit, counting aliases inside fragments', () => {
      expect(check(`{ videoTask(id: "x") { ${aliases(DEFAULTS.maxAliases)} } }`)).toEqual([]);
      expect(check(`{ videoTask(id: "x") { ${aliases(DEFAULTS.maxAliases + 1)} } }`)).toEqual([
        `Aliases limit of ${DEFAULTS.maxAliases} exceeded, found ${DEFAULTS.maxAliases + 1}.`,
      ]);
      const inFragments = `{ videoTask(id: "x") { ...F ... on VideoTask { b: status } } } fragment F on VideoTask { ${aliases(DEFAULTS.maxAliases)} }`;
      expect(check(inFragments)).toEqual([
        `Aliases limit of ${DEFAULTS.maxAliases} exceeded, found ${DEFAULTS.maxAliases + 1}.`,
      ]);
    });
  });

  describe('root fields', () => {
    const roots = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => `r${from + i}: videoTask(id: "${from + i}") { id }`).join(' ');

    it('refuses more root fields than the limit', () => {
      expect(check(`{ ${roots(0, 10)} }`)).toEqual([]);
      expect(check(`{ ${roots(0, 11)} }`)).toEqual(['Root field limit of 10 exceeded, found 11.']);
    });

    it('counts root fields reached through fragment spreads and inline fragments', () => {
      const spread = `
        { r0: videoTask(id: "0") { id } ...A ... on Query { ${roots(6, 11)} } }
        fragment A on Query { ...B ${roots(1, 3)} }
        fragment B on Query { ${roots(3, 6)} }`;
      expect(check(spread)).toEqual(['Root field limit of 10 exceeded, found 11.']);
    });

    it('counts what executes: a repeated field or a fragment spread twice runs once', () => {
      // 16 root selections once expanded, 8 distinct response keys.
      const frames = 'nearestFrameCount(seconds: 1) { frames }';
      const repeated = `{ ...A ...A ${frames} ${frames} } fragment A on Query { ${roots(0, 7)} }`;
      expect(check(repeated)).toEqual([]);
    });

    it('ends on fragment cycles (which graphql refuses on its own)', () => {
      const cycle = `{ ...A } fragment A on Query { ${roots(0, 6)} ...B } fragment B on Query { ${roots(6, 11)} ...A }`;
      const errors = check(cycle);
      expect(errors).toContain('Root field limit of 10 exceeded, found 11.');
      expect(errors.some((message) => /Cannot spread fragment "A" within itself/.test(message))).toBe(true);
    });

    it('counts per operation', () => {
      expect(check(`query One { ${roots(0, 10)} } query Two { ${roots(10, 20)} }`)).toEqual([]);
    });
  });

  describe('tokens', () => {
    it("stops parsing beyond the limit with graphql's own error", () => {
      // 18 tokens around the list, one per list item.
      const tokens = (n: number) =>
        `{ usageReport(from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z", groupBy: [${Array.from({ length: n - 18 }, () => 'MODEL').join(' ')}]) { from } }`;
      expect(check(tokens(DEFAULTS.maxTokens))).toEqual([]);
      // (graphql 16 spells it "more that")
      expect(check(tokens(DEFAULTS.maxTokens + 1))).toEqual([
        expect.stringMatching(new RegExp(`^Syntax Error: Document contains more tha[nt] ${DEFAULTS.maxTokens} tokens`)),
      ]);
    });

    it('counts a string literal as one token, however long (images travel as strings)', () => {
      expect(check(`{ nearestFrameCount(seconds: 2.4) { frames } } # ${'x'.repeat(100_000)}`)).toEqual([]);
      expect(check(`query { videoTask(id: "${'x'.repeat(100_000)}") { id } }`)).toEqual([]);
    });
  });

  describe('cost', () => {
    const page = (first: number) =>
      `{ videoTasks(first: ${first}) { edges { cursor node { ${TASK_FIELDS} } } pageInfo { hasNextPage endCursor } } }`;

    it('admits a full page of every field, refuses two (literal `first` multiplies)', () => {
      expect(check(page(100))).toEqual([]);
      const twoPages = `{ a: ${page(100).slice(1, -1)} b: ${page(100).slice(1, -1)} }`;
      expect(check(twoPages)).toEqual([
        expect.stringMatching(new RegExp(`^Query Cost limit of ${DEFAULTS.maxCost} exceeded, found \\d+`)),
      ]);
    });

    it('a fragment or alias named __schema does not make a query free (only the __schema field is exempt)', () => {
      const page100 = `videoTasks(first: 100) { edges { node { ${TASK_FIELDS} } } }`;
      expect(check(`{ ...__schema } fragment __schema on Query { p1: ${page100} p2: ${page100} }`)).toEqual([
        expect.stringMatching(/^Query Cost limit/),
      ]);
      expect(check(`{ __schema: ${page100} p2: ${page100} }`)).toEqual([expect.stringMatching(/^Query Cost limit/)]);
    });
  });

  describe('directives', () => {
    const directives = (n: number) =>
      `{ ${Array.from({ length: n }, () => '__typename @include(if: true)').join(' ')} }`;

    it('refuses more directives than the limit', () => {
      expect(check(directives(DEFAULTS.maxDirectives))).toEqual([]);
      expect(check(directives(DEFAULTS.maxDirectives + 1))).toEqual([
        `Directives limit of ${DEFAULTS.maxDirectives} exceeded, found ${DEFAULTS.maxDirectives + 1}.`,
      ]);
    });
  });

  it('reports every limit broken, as validation errors rather than exceptions', () => {
    const aliases = Array.from(
      { length: 16 },
      (_, i) => `a${i}: videoTask(id: "${i}") { id @skip(if: false) @include(if: true) }`,
    ).join(' ');
    expect(check(`{ ${aliases} }`, { maxDirectives: 30 })).toEqual([
      'Aliases limit of 15 exceeded, found 16.',
      'Root field limit of 10 exceeded, found 16.',
      'Directives limit of 30 exceeded, found 32.',
    ]);
  });
});
