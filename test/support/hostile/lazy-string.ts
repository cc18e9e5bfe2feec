import fc from 'fast-check';

/**
 * Printable recipes for big values: fast-check reports show the recipe, JSON.stringify the
 * value. Nothing is cached, so generated values never pin big strings in memory.
 */

/** A string built on demand (`toJSON`), shown as its recipe (`label`) in counterexamples. */
export class LazyString {
  constructor(
    readonly label: string,
    private readonly build: () => string,
  ) {}
  toJSON(): string {
    return this.build();
  }
  toString(): string {
    return this.build();
  }
  [fc.toStringMethod](): string {
    return this.label;
  }
}

/** `unit` repeated `times` times, shown as `"unit".repeat(times)`. */
export const repeatedText = (unit: string, times: number): LazyString =>
  new LazyString(`${JSON.stringify(unit)}.repeat(${times})`, () => unit.repeat(times));

/** The text of a string or a recipe. */
export const textOf = (value: unknown): string => (value instanceof LazyString ? value.toJSON() : String(value));
