/** Text for failure messages: bounded excerpts of what was sent and received. */

/** `text` as a JSON string, cut after `length` characters (the full length then said). */
export const head = (text: string, length = 600): string =>
  JSON.stringify(text.length > length ? `${text.slice(0, length)}... (${text.length} chars)` : text);

/** The `width` characters of `text` around index `around`, as a JSON string. */
export const excerpt = (text: string, around = 0, width = 400): string =>
  JSON.stringify(text.slice(Math.max(0, around - width / 2), around + width / 2));

/**
 * A `fail(why)` for one checked exchange: it throws `why`, with `where` (what was sent and
 * what came back) on the next line.
 */
export const failureIn =
  (where: string) =>
  (why: string): never => {
    throw new Error(`${why}\n  ${where}`);
  };
