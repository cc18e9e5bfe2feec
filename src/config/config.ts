import { z } from 'zod';

/** A client allowed to call the gateway, as configured in `GATEWAY_API_KEYS`. */
export interface ApiClient {
  clientId: string;
  admin: boolean;
}

/** Raised when the environment cannot make a valid configuration; the message lists every problem. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const intFrom = (fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional()
    .transform((v) => v ?? fallback);

const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));

const splitList = (raw: string): string[] =>
  raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);

/** `*`, or exactly an origin: scheme, host and optional port, no path or trailing slash. */
const corsOrigin = z
  .string()
  .refine((value) => value === '*' || (URL.canParse(value) && new URL(value).origin === value), {
    message: 'each entry must be an origin such as https://app.example.com (no path, no trailing slash) or *',
  });

const envSchema = z
  .object({
    NODE_ENV: z.string().optional().default('development'),
    HOST: z.string().trim().min(1).optional().default('0.0.0.0'),
    PORT: intFrom(4000, 0, 65535),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional().default('info'),
    SPARK_DANCE_API_KEY: optionalText,
    SPARK_DANCE_BASE_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
    SPARK_DANCE_CREATE_PATH: z.string().startsWith('/').optional().default('/v1/video/generations'),
    SPARK_DANCE_STATUS_PATH: z
      .string()
      .startsWith('/')
      .includes('{id}', { message: 'must contain {id}' })
      .optional()
      .default('/v1/video/generations/{id}'),
    SPARK_DANCE_TIMEOUT_MS: intFrom(30000, 100),
    STORE_URL: z.string().trim().min(1).optional().default('sqlite://./data/gateway.sqlite'),
    CACHE_URL: optionalText.pipe(
      z.url({ protocol: /^rediss?$/, message: 'must be a redis:// or rediss:// URL' }).optional(),
    ),
    POLL_LEASE_MS: intFrom(10000, 300, 600000),
    GATEWAY_API_KEYS: z.string().optional().default(''),
    // Four images just under 30 MB as base64 data URLs (4/3 larger) plus the rest of the request.
    MAX_BODY_BYTES: intFrom(170 * 1024 * 1024, 1024),
    POLL_MIN_INTERVAL_MS: intFrom(2000, 10),
    POLL_MAX_INTERVAL_MS: intFrom(15000, 10),
    POLL_CONCURRENCY: intFrom(8, 1, 1000),
    POLL_FLEX_MAX_INTERVAL_MS: intFrom(120000, 10),
    POLL_CALLBACK_SAFETY_INTERVAL_MS: intFrom(60000, 10),
    POLL_NOT_FOUND_CONFIRM_MS: intFrom(60000, 0),
    PUBLIC_BASE_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
    CALLBACK_SECRET: optionalText.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
    WS_CONNECTION_INIT_TIMEOUT_MS: intFrom(5000, 100),
    WS_KEEPALIVE_MS: intFrom(12000, 0),
    WS_MAX_MESSAGE_BYTES: intFrom(1024 * 1024, 1024),
    // 1000 hours is six weeks of hourly buckets; days and months go much further.
    USAGE_REPORT_MAX_BUCKETS: intFrom(1000, 1, 100000),
    WS_MAX_SUBSCRIPTIONS_PER_SOCKET: intFrom(100, 1),
    WS_MAX_SOCKETS_PER_CLIENT: intFrom(20, 1),
    WS_MAX_BUFFERED_BYTES: intFrom(4 * 1024 * 1024, 1024),
    AUTH_JWT_SECRET: optionalText.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
    AUTH_JWKS_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
    AUTH_JWT_ISSUER: optionalText,
    AUTH_JWT_AUDIENCE: optionalText,
    IDEMPOTENCY_TTL_SECONDS: intFrom(24 * 60 * 60, 1),
    MAX_PROMPT_CHARS: intFrom(5_000, 1),
    RATE_LIMIT_SUBMITS_PER_MINUTE: intFrom(30, 1),
    MAX_ACTIVE_TASKS_PER_CLIENT: intFrom(20, 1),
    MAX_UPSTREAM_ACTIVE_TASKS: intFrom(100, 1),
    GRAPHQL_INTROSPECTION: z.enum(['true', 'false']).optional(),
    DEMO_PAGE: z.enum(['true', 'false']).optional(),
    // graphql's getIntrospectionQuery() (what GraphiQL and codegen send) nests fields 15 deep.
    GRAPHQL_MAX_DEPTH: intFrom(15, 2, 1000),
    GRAPHQL_MAX_ALIASES: intFrom(15, 0, 10000),
    GRAPHQL_MAX_ROOT_FIELDS: intFrom(10, 1, 10000),
    GRAPHQL_MAX_TOKENS: intFrom(2000, 100),
    // A full page (`videoTasks(first: 100)`) of every VideoTask field costs about 27,000.
    GRAPHQL_MAX_COST: intFrom(50000, 10),
    GRAPHQL_MAX_DIRECTIVES: intFrom(50, 0, 10000),
    LARGE_REQUEST_BYTES: intFrom(1024 * 1024, 1024),
    MAX_LARGE_REQUESTS_IN_FLIGHT: intFrom(2, 1, 1000),
    HTTP_REQUEST_TIMEOUT_MS: intFrom(120000, 1000),
    HTTP_HEADERS_TIMEOUT_MS: intFrom(20000, 1000),
    CORS_ORIGINS: z.string().optional().default('').transform(splitList).pipe(z.array(corsOrigin)),
    METRICS_TOKEN: optionalText.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
    OTEL_EXPORTER_OTLP_ENDPOINT: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
    OTEL_SERVICE_NAME: z.string().trim().min(1).optional().default('spark-dance-gateway'),
    SIMULATOR_QUEUE_MS: intFrom(2000, 0),
    SIMULATOR_RUN_MS: intFrom(8000, 0),
  })
  .superRefine((env, ctx) => {
    if (env.SPARK_DANCE_API_KEY && !env.SPARK_DANCE_BASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['SPARK_DANCE_BASE_URL'],
        message: 'is required when SPARK_DANCE_API_KEY is set',
      });
    }
    if (env.AUTH_JWT_SECRET && env.AUTH_JWKS_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_JWKS_URL'],
        message: 'set AUTH_JWT_SECRET (HS256) or AUTH_JWKS_URL (RS256/ES256), not both',
      });
    }
    if (env.HTTP_HEADERS_TIMEOUT_MS > env.HTTP_REQUEST_TIMEOUT_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['HTTP_HEADERS_TIMEOUT_MS'],
        message: 'must be <= HTTP_REQUEST_TIMEOUT_MS',
      });
    }
    if (env.POLL_MAX_INTERVAL_MS < env.POLL_MIN_INTERVAL_MS) {
      ctx.addIssue({ code: 'custom', path: ['POLL_MAX_INTERVAL_MS'], message: 'must be >= POLL_MIN_INTERVAL_MS' });
    }
  });

/**
 * Parses `GATEWAY_API_KEYS`: comma-separated `key:clientId` or `key:clientId:admin` entries.
 * Returns the map, or the problems found (never the keys themselves: they are secrets).
 */
export function parseApiKeys(raw: string): { keys: Map<string, ApiClient>; problems: string[] } {
  const keys = new Map<string, ApiClient>();
  const problems: string[] = [];
  raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .forEach((entry, index) => {
      const [key, clientId, flag, ...rest] = entry.split(':').map((part) => part.trim());
      if (!key || !clientId || rest.length > 0 || (flag !== undefined && flag !== 'admin')) {
        problems.push(`GATEWAY_API_KEYS entry #${index + 1} must be key:clientId or key:clientId:admin`);
        return;
      }
      if (keys.has(key)) {
        problems.push(`GATEWAY_API_KEYS entry #${index + 1} repeats a key`);
        return;
      }
      keys.set(key, { clientId, admin: flag === 'admin' });
    });
  return { keys, problems };
}

/**
 * Builds the configuration from environment variables (`unknown` input: every value is
 * checked). Throws {@link ConfigError} listing all problems, so a misconfigured deployment
 * fails at start-up rather than on the first request.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  const parsed = envSchema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
  }
  const apiKeys = parseApiKeys(env.GATEWAY_API_KEYS ?? '');
  problems.push(...apiKeys.problems);
  const production = (env.NODE_ENV ?? 'development') === 'production';
  if (production && !env.SPARK_DANCE_API_KEY?.trim()) {
    problems.push('SPARK_DANCE_API_KEY: required when NODE_ENV=production (the embedded simulator makes fake videos)');
  }
  if (!env.SPARK_DANCE_API_KEY?.trim() && env.SPARK_DANCE_BASE_URL?.trim()) {
    problems.push('SPARK_DANCE_BASE_URL is set but SPARK_DANCE_API_KEY is not: set both, or neither for the simulator');
  }
  if (production && /^http:/i.test(env.AUTH_JWKS_URL?.trim() ?? '')) {
    problems.push(
      'AUTH_JWKS_URL: must be https when NODE_ENV=production (anyone on the path could otherwise swap the signing ' +
        'keys)',
    );
  }
  const jwtConfigured = Boolean(env.AUTH_JWT_SECRET?.trim() || env.AUTH_JWKS_URL?.trim());
  if (production && apiKeys.keys.size === 0 && apiKeys.problems.length === 0 && !jwtConfigured) {
    problems.push(
      'GATEWAY_API_KEYS: required when NODE_ENV=production unless AUTH_JWT_SECRET or AUTH_JWKS_URL is set (refusing ' +
        'to serve everyone as "dev")',
    );
  }
  if (!parsed.success || problems.length > 0) {
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return configFrom(parsed.data, production, apiKeys.keys);
}

/**
 * Validated runtime configuration, built once at start-up by {@link loadConfig}. Its type is
 * this function's result, so each setting is named in the env schema and here, nowhere else.
 */
export type GatewayConfig = ReturnType<typeof configFrom>;

/** The configuration's shape (grouped by concern) over the checked environment. */
function configFrom(e: z.output<typeof envSchema>, production: boolean, apiKeys: Map<string, ApiClient>) {
  return {
    nodeEnv: e.NODE_ENV,
    production,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    // No key (and no base URL): `main.ts` starts the embedded simulator instead.
    upstream: {
      apiKey: e.SPARK_DANCE_API_KEY,
      baseUrl: e.SPARK_DANCE_BASE_URL,
      createPath: e.SPARK_DANCE_CREATE_PATH,
      statusPath: e.SPARK_DANCE_STATUS_PATH,
      timeoutMs: e.SPARK_DANCE_TIMEOUT_MS,
    },
    storeUrl: e.STORE_URL,
    cacheUrl: e.CACHE_URL,
    maxBodyBytes: e.MAX_BODY_BYTES,
    // Bearer key -> client; empty = no keys configured.
    apiKeys,
    poll: {
      minIntervalMs: e.POLL_MIN_INTERVAL_MS,
      maxIntervalMs: e.POLL_MAX_INTERVAL_MS,
      // FLEX tasks may legitimately take hours; never below the normal ceiling.
      flexMaxIntervalMs: Math.max(e.POLL_FLEX_MAX_INTERVAL_MS, e.POLL_MAX_INTERVAL_MS),
      callbackSafetyIntervalMs: e.POLL_CALLBACK_SAFETY_INTERVAL_MS,
      notFoundConfirmMs: e.POLL_NOT_FOUND_CONFIRM_MS,
      concurrency: e.POLL_CONCURRENCY,
      leaseMs: e.POLL_LEASE_MS,
    },
    // `publicBaseUrl` unset = callbacks off (polling only).
    callbacks: { publicBaseUrl: e.PUBLIC_BASE_URL?.replace(/\/+$/, ''), secret: e.CALLBACK_SECRET },
    websocket: {
      connectionInitTimeoutMs: e.WS_CONNECTION_INIT_TIMEOUT_MS,
      keepAliveMs: e.WS_KEEPALIVE_MS,
      maxMessageBytes: e.WS_MAX_MESSAGE_BYTES,
      maxSubscriptionsPerSocket: e.WS_MAX_SUBSCRIPTIONS_PER_SOCKET,
      maxSocketsPerClient: e.WS_MAX_SOCKETS_PER_CLIENT,
      maxBufferedBytes: e.WS_MAX_BUFFERED_BYTES,
    },
    usage: { maxReportBuckets: e.USAGE_REPORT_MAX_BUCKETS },
    simulator: { queueMs: e.SIMULATOR_QUEUE_MS, runMs: e.SIMULATOR_RUN_MS },
    demoPage: e.DEMO_PAGE === undefined ? !production : e.DEMO_PAGE === 'true',
    jwt: {
      secret: e.AUTH_JWT_SECRET,
      jwksUrl: e.AUTH_JWKS_URL,
      issuer: e.AUTH_JWT_ISSUER,
      audience: e.AUTH_JWT_AUDIENCE,
    },
    idempotencyTtlSeconds: e.IDEMPOTENCY_TTL_SECONDS,
    maxPromptChars: e.MAX_PROMPT_CHARS,
    limits: {
      submitsPerMinute: e.RATE_LIMIT_SUBMITS_PER_MINUTE,
      maxActiveTasksPerClient: e.MAX_ACTIVE_TASKS_PER_CLIENT,
      maxUpstreamActiveTasks: e.MAX_UPSTREAM_ACTIVE_TASKS,
    },
    // Static document limits, applied alike on HTTP and graphql-ws.
    graphql: {
      introspection: e.GRAPHQL_INTROSPECTION === undefined ? !production : e.GRAPHQL_INTROSPECTION === 'true',
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxRootFields: e.GRAPHQL_MAX_ROOT_FIELDS,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
      maxCost: e.GRAPHQL_MAX_COST,
      maxDirectives: e.GRAPHQL_MAX_DIRECTIVES,
    },
    http: {
      largeRequestBytes: e.LARGE_REQUEST_BYTES,
      maxLargeRequestsInFlight: e.MAX_LARGE_REQUESTS_IN_FLIGHT,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
    },
    cors: { origins: e.CORS_ORIGINS },
    observability: {
      metricsToken: e.METRICS_TOKEN,
      otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
      serviceName: e.OTEL_SERVICE_NAME,
    },
  };
}
