import { RateLimiterMemory, RateLimiterPostgres, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { GatewayStore } from '../store/open-store';

/** Table of the PostgreSQL rate limiter (created by rate-limiter-flexible itself, if missing). */
const RATE_LIMIT_TABLE = 'submit_rate_limits';

/**
 * The per-client submission rate limiter (one-minute windows): in-process on SQLite (one
 * gateway per file), in PostgreSQL when replicas share it, so the rate holds for the gateway.
 * Resolves once the limiter's table exists.
 */
export async function createSubmitRateLimiter(
  store: Pick<GatewayStore, 'postgresPool'>,
  submitsPerMinute: number,
): Promise<RateLimiterAbstract> {
  const options = { keyPrefix: 'submits', points: submitsPerMinute, duration: 60 };
  const pool = store.postgresPool;
  if (!pool) return new RateLimiterMemory(options);
  return new Promise((resolve, reject) => {
    const limiter: RateLimiterPostgres = new RateLimiterPostgres(
      { ...options, storeClient: pool, storeType: 'pool', tableName: RATE_LIMIT_TABLE },
      (error?: unknown) =>
        error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(limiter),
    );
  });
}
