import { isAbsolute, resolve } from 'node:path';

/**
 * Where the store lives, as parsed from `STORE_URL`. A discriminated union so that a new backend
 * is one more member here, one more case in {@link parseStoreUrl} and one more case in
 * `openDatabase`; the compiler then points at every `switch` that has to learn about it.
 */
export type StoreTarget =
  /** A SQLite file; `path` is absolute (relative URLs are resolved against the working directory). */
  | { kind: 'sqlite'; path: string }
  /** Process memory (an in-memory SQLite database): gone when the process ends. For tests and local experiments. */
  | { kind: 'memory' }
  /** A PostgreSQL database (`postgres://` or `postgresql://`), shared by every replica. */
  | { kind: 'postgres'; url: string };

/** A `STORE_URL` that cannot be used; the message says what is wrong and what is accepted. */
export class StoreUrlError extends Error {
  /** The value as given, with any `user:password@` replaced by `***@`: errors end up in logs. */
  readonly url: string;

  constructor(url: string, reason: string) {
    const shown = redactUserInfo(url);
    super(`invalid STORE_URL ${JSON.stringify(shown)}: ${reason}. Expected ${SUPPORTED_FORMS}`);
    this.name = 'StoreUrlError';
    this.url = shown;
  }
}

/** `redis://:secret@host` -> `redis://***@host`. */
function redactUserInfo(url: string): string {
  return url.replace(/^(\s*[A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/@]*@/, '$1***@');
}

const SUPPORTED_FORMS =
  '"sqlite://<path>" (e.g. sqlite://./data/gateway.sqlite or sqlite:///var/lib/gateway.sqlite), ' +
  '"postgres://user@host:5432/db" (or postgresql://) or "memory://"';

/** `scheme://rest`; the scheme grammar is RFC 3986's. */
const URL_SHAPE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s;

/**
 * Parses a `STORE_URL`. Hand-rolled rather than `new URL()`: WHATWG parsing would read the
 * `.` of `sqlite://./data/x.sqlite` as a host and percent-encode paths, which is not what
 * people mean by a relative file path.
 *
 * - `sqlite://./data/gateway.sqlite` (relative to `cwd`), `sqlite:///var/lib/gateway.sqlite` (absolute)
 * - `postgres://user:password@host:5432/database` (or `postgresql://`), passed to the driver as given
 * - `memory://`
 *
 * @param url the raw value; surrounding whitespace is ignored
 * @param cwd what a relative SQLite path is resolved against (default: the process's working directory)
 * @throws StoreUrlError for an empty value, a value without `scheme://`, an unknown scheme,
 *   a SQLite URL without a path (or with `:memory:`, query or fragment), or a `memory://` with a path
 */
export function parseStoreUrl(url: string, cwd: string = process.cwd()): StoreTarget {
  const trimmed = url.trim();
  if (trimmed === '') throw new StoreUrlError(url, 'it is empty');
  const match = URL_SHAPE.exec(trimmed);
  if (!match) throw new StoreUrlError(url, 'it has no "<scheme>://" prefix');
  const scheme = (match[1] ?? '').toLowerCase();
  const rest = match[2] ?? '';

  switch (scheme) {
    case 'sqlite':
      return { kind: 'sqlite', path: parseSqlitePath(url, rest, cwd) };
    case 'memory':
      if (rest !== '') throw new StoreUrlError(url, 'memory:// takes no path');
      return { kind: 'memory' };
    case 'postgres':
    case 'postgresql':
      if (rest === '' || rest.startsWith('/')) throw new StoreUrlError(url, 'the PostgreSQL host is missing');
      return { kind: 'postgres', url: trimmed };
    default:
      throw new StoreUrlError(url, `unsupported scheme "${scheme}"`);
  }
}

function parseSqlitePath(url: string, rest: string, cwd: string): string {
  if (rest === '') throw new StoreUrlError(url, 'the SQLite file path is missing');
  // `?`/`#` would be silently taken as part of the file name; nothing reads options from the URL.
  if (/[?#]/.test(rest)) throw new StoreUrlError(url, 'query strings and fragments are not supported');
  if (/\0/.test(rest)) throw new StoreUrlError(url, 'the path contains a NUL character');
  // Two sqlite connections to ":memory:" would be two unrelated databases; memory:// is the in-memory store.
  if (rest === ':memory:' || rest.startsWith('file:')) {
    throw new StoreUrlError(url, 'only plain file paths are supported (use memory:// for a store in memory)');
  }
  if (rest.endsWith('/')) throw new StoreUrlError(url, 'the path names a directory, not a file');
  return isAbsolute(rest) ? resolve(rest) : resolve(cwd, rest);
}
