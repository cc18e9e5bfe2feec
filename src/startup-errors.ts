import { CacheOpenError } from './store/caches';
import { DatabaseOpenError } from './store/open-database';
import { StoreUrlError } from './store/store-url';

/**
 * One line naming the setting at fault for a start-up failure a user can fix (a bad or
 * unreachable `STORE_URL` or `CACHE_URL`, a port in use), or undefined for anything else,
 * which deserves its stack trace.
 */
export function startupProblem(error: unknown): string | undefined {
  if (error instanceof StoreUrlError || error instanceof DatabaseOpenError) return `STORE_URL: ${error.message}`;
  if (error instanceof CacheOpenError) return `CACHE_URL: ${error.message}`;
  if (isAddressInUse(error)) return `PORT: ${error.address ?? 'the address'}:${error.port ?? '?'} is already in use`;
  return undefined;
}

function isAddressInUse(error: unknown): error is { code: string; address?: string; port?: number } {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'EADDRINUSE';
}
