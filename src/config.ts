import { z } from 'zod';
import { SHEIN_API_BASE_URL } from './connectors/shein/config.js';
import { SHOPIFY_DEFAULT_API_VERSION } from './connectors/shopify/config.js';
import { TIKTOK_API_BASE_URL, TIKTOK_AUTH_BASE_URL } from './connectors/tiktok/config.js';

/** Process roles: `api` serves HTTP and WebSocket, `worker` runs jobs, `all` does both. */
export const ROLES = ['api', 'worker', 'all'] as const;
export type Role = (typeof ROLES)[number];

const positiveInt = (name: string) =>
  z.coerce.number({ error: `${name} must be a whole number` }).int(`${name} must be a whole number`).positive(`${name} must be greater than 0`);

const positiveNumber = (name: string) =>
  z.coerce.number({ error: `${name} must be a number` }).positive(`${name} must be greater than 0`);

const portNumber = (name: string) => {
  const expected = `${name} must be a whole number from 0 to 65535`;
  return z.coerce.number({ error: expected }).int(expected).min(0, expected).max(65535, expected);
};

const optionalUrl = (name: string) =>
  z.url({ error: `${name} must be an absolute URL such as https://example.com/path` }).optional();

/**
 * Every environment variable the program reads. README.md lists each with its default; a test
 * checks that the two stay in step.
 */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  ROLE: z.enum(ROLES, { error: `ROLE must be one of ${ROLES.join(', ')}` }).default('all'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: portNumber('PORT').default(4000),
  PUBLIC_URL: optionalUrl('PUBLIC_URL'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres:// or postgresql://')
    .optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  EMBEDDED_POSTGRES_PORT: portNumber('EMBEDDED_POSTGRES_PORT').default(0),
  MONGODB_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'MONGODB_URL must start with mongodb:// or mongodb+srv://').optional(),
  JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters').optional(),
  JWT_JWKS_URL: optionalUrl('JWT_JWKS_URL'),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  ENCRYPTION_KEYS: z
    .string()
    .regex(/^[A-Za-z0-9_-]+:[A-Za-z0-9+/=]+(,[A-Za-z0-9_-]+:[A-Za-z0-9+/=]+)*$/, 'ENCRYPTION_KEYS must be a comma-separated list of KEY_ID:BASE64_32_BYTE_KEY, newest first')
    .optional(),
  MERCADOLIBRE_CLIENT_ID: z.string().min(1).optional(),
  MERCADOLIBRE_CLIENT_SECRET: z.string().min(1).optional(),
  MERCADOLIBRE_AUTH_URL: z.url().default('https://auth.mercadolibre.com.mx'),
  MERCADOLIBRE_API_URL: z.url().default('https://api.mercadolibre.com'),
  SHOPIFY_CLIENT_ID: z.string().min(1).optional(),
  SHOPIFY_CLIENT_SECRET: z.string().min(1).optional(),
  SHOPIFY_API_VERSION: z
    .string()
    .regex(/^(\d{4}-(01|04|07|10)|unstable)$/, 'SHOPIFY_API_VERSION must be a Shopify release such as 2026-04 (YYYY-01, -04, -07 or -10)')
    .default(SHOPIFY_DEFAULT_API_VERSION),
  TIKTOK_APP_KEY: z.string().min(1).optional(),
  TIKTOK_APP_SECRET: z.string().min(1).optional(),
  TIKTOK_SERVICE_ID: z.string().min(1).optional(),
  TIKTOK_AUTH_URL: z.url().default(TIKTOK_AUTH_BASE_URL),
  TIKTOK_API_URL: z.url().default(TIKTOK_API_BASE_URL),
  SHEIN_APP_ID: z.string().min(1).optional(),
  SHEIN_APP_SECRET: z.string().min(1).optional(),
  SHEIN_API_URL: z.url().default(SHEIN_API_BASE_URL),
  STOCK_PUSH_DEBOUNCE_MS: z.coerce.number().int().min(0, 'STOCK_PUSH_DEBOUNCE_MS must be 0 or more').default(2000),
  JOB_CONCURRENCY: positiveInt('JOB_CONCURRENCY').default(4),
  JOB_POLL_INTERVAL_MS: positiveInt('JOB_POLL_INTERVAL_MS').default(1000),
  // Token lifecycle: the refresh job renews access tokens that expire within this many seconds.
  TOKEN_REFRESH_MARGIN_SECONDS: positiveInt('TOKEN_REFRESH_MARGIN_SECONDS').default(300),
  // Rate limits (src/traffic): every process shares them through PostgreSQL.
  SHOPIFY_RESTORE_RATE: positiveNumber('SHOPIFY_RESTORE_RATE').default(100),
  MERCADOLIBRE_REQUESTS_PER_SECOND: positiveNumber('MERCADOLIBRE_REQUESTS_PER_SECOND').default(5),
  TIKTOK_REQUESTS_PER_SECOND: positiveNumber('TIKTOK_REQUESTS_PER_SECOND').default(50),
  SHEIN_MIN_INTERVAL_MS: positiveInt('SHEIN_MIN_INTERVAL_MS').default(200),
  // API usage log: per-minute sums of marketplace calls, kept in memory between flushes.
  USAGE_FLUSH_INTERVAL_MS: positiveInt('USAGE_FLUSH_INTERVAL_MS').default(10_000),
  USAGE_RETENTION_DAYS: positiveInt('USAGE_RETENTION_DAYS').default(90),
  // Connections: how many days before an authorization lapses the connection reports it as expiring soon.
  AUTHORIZATION_EXPIRY_WARNING_DAYS: positiveInt('AUTHORIZATION_EXPIRY_WARNING_DAYS').default(7),
  // Resilience of marketplace calls (src/connectors/shared/resilience): retries and circuit breakers.
  MARKETPLACE_MAX_ATTEMPTS: positiveInt('MARKETPLACE_MAX_ATTEMPTS').default(4),
  MARKETPLACE_RETRY_BASE_DELAY_MS: z.coerce.number().int().min(0, 'MARKETPLACE_RETRY_BASE_DELAY_MS must be 0 or more').default(250),
  MARKETPLACE_RETRY_AFTER_MAX_SECONDS: positiveInt('MARKETPLACE_RETRY_AFTER_MAX_SECONDS').default(60),
  MARKETPLACE_CIRCUIT_FAILURES: positiveInt('MARKETPLACE_CIRCUIT_FAILURES').default(5),
  MARKETPLACE_CIRCUIT_COOLDOWN_MS: positiveInt('MARKETPLACE_CIRCUIT_COOLDOWN_MS').default(30_000),
  ALLOWED_RETURN_URLS: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((entry) => entry.trim()).filter(Boolean))
    .pipe(z.array(z.url({ error: 'ALLOWED_RETURN_URLS must be a comma-separated list of absolute URLs' }))),
  SANDBOX: z.enum(['on', 'off']).optional(),
});

export type Config = z.infer<typeof configSchema>;

/** Thrown when the environment is invalid; the message names every bad variable on its own line. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses and validates the environment once, at start. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty value counts as unset, as in `MONGODB_URL=` from a compose file's `${MONGODB_URL:-}`.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = configSchema.safeParse(present);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = issue.path.join('.');
      const value = env[name];
      const problem = value === undefined ? 'is missing' : `has an invalid value`;
      return `Invalid configuration: ${name} ${problem}: ${issue.message}.`;
    });
    throw new ConfigError(lines.join('\n'));
  }
  const config = result.data;
  if (config.NODE_ENV === 'production' && !config.JWT_SECRET && !config.JWT_JWKS_URL) {
    throw new ConfigError('Invalid configuration: JWT_SECRET or JWT_JWKS_URL is required when NODE_ENV=production.');
  }
  const incomplete = incompleteCredentials(config);
  if (incomplete.length > 0) throw new ConfigError(incomplete.join('\n'));
  return config;
}

/** Variables that together make one marketplace's app credentials. */
export const MARKETPLACE_CREDENTIALS = {
  MERCADOLIBRE: ['MERCADOLIBRE_CLIENT_ID', 'MERCADOLIBRE_CLIENT_SECRET'],
  SHOPIFY: ['SHOPIFY_CLIENT_ID', 'SHOPIFY_CLIENT_SECRET'],
  TIKTOK: ['TIKTOK_APP_KEY', 'TIKTOK_APP_SECRET', 'TIKTOK_SERVICE_ID'],
  SHEIN: ['SHEIN_APP_ID', 'SHEIN_APP_SECRET'],
} as const satisfies Record<string, ReadonlyArray<keyof Config>>;

/** Returns whether any marketplace credential is set; with none, `npm start` runs against the sandboxes. */
export function hasMarketplaceCredentials(config: Config): boolean {
  return Object.values(MARKETPLACE_CREDENTIALS).some((names) => names.some((name) => config[name] !== undefined));
}

/** Returns one problem line per marketplace whose credentials are only partly set, because half a set connects nothing. */
function incompleteCredentials(config: Config): string[] {
  return Object.values(MARKETPLACE_CREDENTIALS).flatMap((names) => {
    const missing = names.filter((name) => config[name] === undefined);
    if (missing.length === 0 || missing.length === names.length) return [];
    const set = names.filter((name) => config[name] !== undefined);
    return [`Invalid configuration: ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} missing while ${set.join(' and ')} ${set.length === 1 ? 'is' : 'are'} set; set all of ${names.join(', ')} or none.`];
  });
}
