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
    expect(cache.prepare('{ a')).toEqual({ errors: [expect.objectContaining({ message: expect.stringMatching(/Syntax Error/) })] });
    expect(cache.prepare('{ nope }')).toEqual({ errors: [expect.objectContaining({ message: expect.stringMatching(/Cannot query field "nope"/) })] });
  });

  it('evicts the least recently used entry at the bound', () => {
    const cache = new DocumentCache(schema, undefined, 2);
    const a = cache.prepare('{ a }');
    cache.prepare('{ b }');
    cache.prepare('{ a }'); // a is now the most recent
    cache.prepare('{ a b }'); // evicts { b }
    expect(cache.prepare('{ a }')).toBe(a);
  });
});
