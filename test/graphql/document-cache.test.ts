import { buildSchema } from 'graphql';
import { DocumentCache } from '../../src/graphql/document-cache';

const schema = buildSchema('type Query { a: Int b: Int }');

describe('DocumentCache', () => {
  it('parses and validates each distinct text once and shares the document', () => {
    const cache = new DocumentCache(schema);
    const first = cache.prepare('{ a }');
    expect(first).toHaveProperty('document');
    expect(cache.prepare('{ a }')).toBe(first);
  });

  it('returns syntax and validation errors', () => {
    const cache = new DocumentCache(schema);
    expect(cache.prepare('{ a')).toEqual({
      errors: [expect.objectContaining({ message: expect.stringMatching(/Syntax Error/) })],
    });
    expect(cache.prepare('{ nope }')).toEqual({
      errors: [expect.objectContaining({ message: expect.stringMatching(/Cannot query field "nope"/) })],
    });
  });

  it('parses with the given options (e.g. a token limit)', () => {
    const cache = new DocumentCache(schema, undefined, { parseOptions: { maxTokens: 4 } });
    expect(cache.prepare('{ a }')).toHaveProperty('document');
    expect(cache.prepare('{ a b c }')).toEqual({
      errors: [expect.objectContaining({ message: expect.stringMatching(/more tha[nt] 4 tokens/) })],
    });
  });

  it('strips "Did you mean" suggestions when asked to, keeping the rest of the error', () => {
    expect(new DocumentCache(schema).prepare('{ aa }')).toEqual({
      errors: [expect.objectContaining({ message: expect.stringMatching(/Did you mean "a"/) })],
    });
    const hidden = new DocumentCache(schema, undefined, { hideSuggestions: true }).prepare('{ aa }');
    expect(hidden).toEqual({
      errors: [
        expect.objectContaining({
          message: 'Cannot query field "aa" on type "Query".',
          locations: [{ line: 1, column: 3 }],
        }),
      ],
    });
  });

  it('evicts the least recently used entry at the bound', () => {
    const cache = new DocumentCache(schema, undefined, { maxEntries: 2 });
    const a = cache.prepare('{ a }');
    cache.prepare('{ b }');
    cache.prepare('{ a }'); // a is now the most recent
    cache.prepare('{ a b }'); // evicts { b }
    expect(cache.prepare('{ a }')).toBe(a);
  });
});
