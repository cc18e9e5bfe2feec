import {
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ParseOptions,
  type ValidationRule,
  specifiedRules,
} from 'graphql';
import { withoutSuggestions } from './hide-suggestions';

/** A parsed and validated operation, or why it is not one. */
export type PreparedDocument = { document: DocumentNode } | { errors: readonly GraphQLError[] };

/** How a {@link DocumentCache} parses, reports and bounds itself. */
export interface DocumentCacheOptions {
  /** Passed to graphql's `parse` (e.g. `maxTokens`), as Apollo's `parseOptions` on HTTP. */
  parseOptions?: ParseOptions;
  /** Strip "Did you mean ...?" from validation errors (production: they reveal the schema). */
  hideSuggestions?: boolean;
  /** Entries kept; the least recently used goes first. Default 1000. */
  maxEntries?: number;
  /** Longer texts are prepared but not kept, so a few huge documents cannot pin memory. Default 16 KiB. */
  maxCachedLength?: number;
}

/**
 * Parses and validates each distinct operation text once. Ten thousand clients subscribing
 * with the same text then share one `DocumentNode` (memory) and one validation (CPU). A
 * bounded LRU: the least recently used entry goes when `maxEntries` is reached.
 */
export class DocumentCache {
  private readonly entries = new Map<string, PreparedDocument>();
  private readonly maxEntries: number;
  private readonly maxCachedLength: number;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly rules: readonly ValidationRule[] = specifiedRules,
    private readonly options: DocumentCacheOptions = {},
  ) {
    this.maxEntries = options.maxEntries ?? 1000;
    this.maxCachedLength = options.maxCachedLength ?? 16 * 1024;
  }

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
      document = parse(source, this.options.parseOptions);
    } catch (error) {
      return { errors: [error instanceof GraphQLError ? error : new GraphQLError('Syntax error')] };
    }
    const errors = validate(this.schema, document, this.rules);
    if (errors.length === 0) return { document };
    return { errors: this.options.hideSuggestions ? errors.map(withoutSuggestions) : errors };
  }
}
