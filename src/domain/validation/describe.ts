/**
 * Rendering caller-supplied values inside error messages. Messages must show the offending
 * value, but a data URL can be tens of megabytes: echoing it would bloat every error response
 * and log line, so long strings are cut.
 */

/** Strings longer than this are cut in messages. Enough to show a data URL's header. */
export const MAX_ECHOED_CHARS = 48;

const DATA_SCHEME = /^data:/i;

/**
 * A value as it should appear in a message: strings JSON-quoted and cut to
 * {@link MAX_ECHOED_CHARS} characters (a data URL right after its header, so its payload is
 * never shown), with the full length noted; everything else as text.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    // A data URL is cut right after its header, however short: the header is what a caller
    // needs to see, and the payload is meaningless (and possibly private) in a message.
    const comma = DATA_SCHEME.test(value) ? value.slice(0, MAX_ECHOED_CHARS).indexOf(',') : -1;
    const cut = comma >= 0 ? comma + 1 : MAX_ECHOED_CHARS;
    if (value.length <= cut) return JSON.stringify(value);
    // slice() of a huge string is cheap, and only the short head is ever stringified.
    return `${JSON.stringify(value.slice(0, cut))}... (${value.length} characters)`;
  }
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return typeof value;
}
