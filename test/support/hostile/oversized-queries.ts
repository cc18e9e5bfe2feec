import fc from 'fast-check';
import { LazyString } from './lazy-string';

/**
 * GraphQL documents far beyond the gateway's document limits (depth, aliases, directives,
 * tokens), as printable recipes: a counterexample shows `deepSelection(5000)`, not the text.
 */

/** `{ a { a { ... } } }`: a selection set nested up to 10,000 deep. */
export const deepSelectionQuery: fc.Arbitrary<LazyString> = fc
  .integer({ min: 1, max: 10_000 })
  .map((n) => new LazyString(`deepSelection(${n})`, () => `${'{ a '.repeat(n)}${'}'.repeat(n)}`));

/** A list literal nested up to 10,000 deep as a Float argument. */
export const deepListLiteralQuery: fc.Arbitrary<LazyString> = fc
  .integer({ min: 1, max: 10_000 })
  .map(
    (n) =>
      new LazyString(
        `deepListLiteral(${n})`,
        () => `{ nearestFrameCount(seconds: ${'['.repeat(n)}1${']'.repeat(n)}) { frames } }`,
      ),
  );

/** Up to 3,000 aliases of `__typename`. */
export const manyAliasesQuery: fc.Arbitrary<LazyString> = fc
  .integer({ min: 1, max: 3_000 })
  .map(
    (n) =>
      new LazyString(
        `aliases(${n})`,
        () => `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ')} }`,
      ),
  );

/** Up to 3,000 `@include` directives on one field. */
export const manyDirectivesQuery: fc.Arbitrary<LazyString> = fc
  .integer({ min: 1, max: 3_000 })
  .map((n) => new LazyString(`directives(${n})`, () => `{ __typename ${'@include(if: true) '.repeat(n)}}`));
