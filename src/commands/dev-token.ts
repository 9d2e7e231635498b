import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { pino } from 'pino';
import { loadConfig } from '../config.js';
import { createLogger } from '../logging.js';
import { resolveJwtSecret } from '../security/development-secret.js';
import { SHARED_SECRET_ALGORITHM } from '../security/jwt.js';

/**
 * Prints a JWT for local development, signed with the same secret the server verifies
 * (JWT_SECRET or the generated development secret):
 *
 *   node dist/commands/dev-token.js --tenant demo [--user dev] [--ttl 8h] [--scope "a b"]
 */

export interface DevelopmentTokenOptions {
  secret: string;
  tenantId: string;
  userId?: string;
  /** Lifetime such as `90s`, `30m`, `8h` or `7d`. Default `8h`. */
  ttl?: string;
  scopes?: readonly string[];
  issuer?: string;
  audience?: string;
}

const TTL_PATTERN = /^(\d+)(s|m|h|d)$/;
const SECONDS_PER_UNIT = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** Converts a lifetime such as `8h` to seconds; throws on anything else. */
export function parseTtl(ttl: string): number {
  const match = TTL_PATTERN.exec(ttl);
  const amount = Number(match?.[1]);
  const unit = match?.[2] as keyof typeof SECONDS_PER_UNIT | undefined;
  if (!unit || amount <= 0) {
    throw new Error(`Invalid --ttl "${ttl}": use a positive whole number followed by s, m, h or d, such as 8h.`);
  }
  return amount * SECONDS_PER_UNIT[unit];
}

/** Signs an HS256 token with the claims the server reads: `tenant_id`, `sub` and `scope`. */
export async function createDevelopmentToken(options: DevelopmentTokenOptions): Promise<string> {
  if (options.tenantId.trim() === '') throw new Error('Cannot create a token: the tenant id is empty. Pass --tenant <id>.');
  const now = Math.floor(Date.now() / 1000);
  const token = new SignJWT({
    tenant_id: options.tenantId,
    ...(options.scopes && options.scopes.length > 0 ? { scope: options.scopes.join(' ') } : {}),
  })
    .setProtectedHeader({ alg: SHARED_SECRET_ALGORITHM, typ: 'JWT' })
    .setIssuedAt(now)
    .setExpirationTime(now + parseTtl(options.ttl ?? '8h'));
  if (options.userId) token.setSubject(options.userId);
  if (options.issuer) token.setIssuer(options.issuer);
  if (options.audience) token.setAudience(options.audience);
  return token.sign(new TextEncoder().encode(options.secret));
}

const USAGE = 'Usage: npm run token -- --tenant <id> [--user <id>, default developer] [--ttl 8h] [--scope "<scope> <scope>"]';

/**
 * Runs the command: writes the token to `stdout` and returns the exit code. Refuses to run with
 * NODE_ENV=production, where tokens come from the identity provider.
 */
export async function runDevTokenCommand(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  output: { stdout: (text: string) => void; stderr: (text: string) => void },
): Promise<number> {
  let values: { tenant?: string; user?: string; ttl?: string; scope?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        tenant: { type: 'string' },
        // Operations that act for a person (starting an authorization) need `sub`, so a user is the default.
        user: { type: 'string', default: 'developer' },
        ttl: { type: 'string', default: '8h' },
        scope: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    output.stderr(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    output.stdout(`${USAGE}\n`);
    return 0;
  }
  if (!values.tenant) {
    output.stderr(`Missing --tenant.\n${USAGE}\n`);
    return 2;
  }
  try {
    parseTtl(values.ttl ?? '8h');
  } catch (error) {
    output.stderr(`${(error as Error).message}\n`);
    return 2;
  }

  const config = loadConfig(env);
  if (config.NODE_ENV === 'production') {
    output.stderr('dev-token does not run with NODE_ENV=production: production tokens come from the identity provider.\n');
    return 1;
  }
  // Logs go to stderr so that stdout carries only the token.
  const logger = createLogger(config.LOG_LEVEL, pino.destination(2));
  const secret = await resolveJwtSecret(config, logger);
  if (!secret) {
    output.stderr('No signing secret: set JWT_SECRET.\n');
    return 1;
  }
  const token = await createDevelopmentToken({
    secret,
    tenantId: values.tenant,
    userId: values.user,
    ttl: values.ttl,
    scopes: values.scope?.split(' ').filter(Boolean),
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  });
  output.stdout(`${token}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runDevTokenCommand(process.argv.slice(2), process.env, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`dev-token failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
