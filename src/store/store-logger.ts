import type { Logger } from 'pino';

/**
 * The part of the gateway's pino logger the store uses. Narrowed so tests (and tools) can
 * pass a stub, and so the store never depends on how the logger is configured.
 */
export type StoreLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

/** A logger that drops everything: the default when the caller passes none. */
export const SILENT_STORE_LOGGER: StoreLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
