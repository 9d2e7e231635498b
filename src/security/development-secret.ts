import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.js';

export const DEVELOPMENT_SECRET_FILE = 'jwt-secret';
const MIN_SECRET_LENGTH = 32;

/**
 * Returns the JWT signing secret kept in `${dataDir}/jwt-secret`, creating it (48 random bytes,
 * base64url, file mode 0600) on first use. For development only: every process on the machine that
 * shares the data folder then accepts the same tokens, including those printed by `dev-token`.
 */
export async function loadOrCreateDevelopmentSecret(dataDir: string, logger: Logger): Promise<string> {
  const file = path.resolve(dataDir, DEVELOPMENT_SECRET_FILE);
  const existing = await readSecret(file);
  if (existing !== null) return existing;

  await mkdir(path.dirname(file), { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  // Written to a private temporary file, then linked into place: link() fails with EEXIST when
  // another process got there first, and readers never see a half-written file.
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const created = await readSecret(file);
    if (created === null) throw new Error(`Cannot read the development JWT secret at ${file} after another process created it.`);
    return created;
  } finally {
    await unlink(temporary);
  }
  logger.info({ file }, 'generated a development JWT secret because JWT_SECRET is not set; set JWT_SECRET in production');
  return secret;
}

/**
 * Returns JWT_SECRET when set; otherwise, outside production, the development secret from the data
 * folder. Returns undefined in production without JWT_SECRET (config validation then requires
 * JWT_JWKS_URL).
 */
export async function resolveJwtSecret(config: Pick<Config, 'JWT_SECRET' | 'NODE_ENV' | 'DATA_DIR'>, logger: Logger): Promise<string | undefined> {
  if (config.JWT_SECRET) return config.JWT_SECRET;
  if (config.NODE_ENV === 'production') return undefined;
  return loadOrCreateDevelopmentSecret(config.DATA_DIR, logger);
}

async function readSecret(file: string): Promise<string | null> {
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const secret = content.trim();
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`The development JWT secret in ${file} is shorter than ${MIN_SECRET_LENGTH} characters. Delete the file to generate a new one, or set JWT_SECRET.`);
  }
  return secret;
}
