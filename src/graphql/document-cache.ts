import { GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema, type ValidationRule, specifiedRules } from 'graphql';

/** A parsed and validated operation, or why it is not one. */
export type PreparedDocument = { document: DocumentNode } | { errors: readonly GraphQLError[] };

/**
 * Parses and validates each distinct operation text once. Ten thousand clients subscribing
 * with the same text then share one `DocumentNode` (memory) and one validation (CPU). A
 * bounded LRU: the least recently used entry goes when `maxEntries` is reached.
 */
export class DocumentCache {
  private readonly entries = new Map<string, PreparedDocument>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly rules: readonly ValidationRule[] = specifiedRules,
    private readonly maxEntries = 1000,
    /** Longer texts are prepared but not kept, so a few huge documents cannot pin memory. */
    private readonly maxCachedLength = 16 * 1024,
  ) {}

  prepare(source: string): PreparedDocument {
    const cached = this.entries.get(source);
    if (cached) {
      // Refresh its place in the LRU order.
      this.entries.delete(source);
      this.entries.set(source, cached);
      return cached;
    }
    const prepared = this.compile(source);
    if (source.length > this.maxCachedLength) return prepared;
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(source, prepared);
    return prepared;
  }

  private compile(source: string): PreparedDocument {
    let document: DocumentNode;
    try {
      document = parse(source);
    } catch (error) {
      return { errors: [error instanceof GraphQLError ? error : new GraphQLError('Syntax error')] };
    }
    const errors = validate(this.schema, document, this.rules);
    return errors.length > 0 ? { errors } : { document };
  }
}
