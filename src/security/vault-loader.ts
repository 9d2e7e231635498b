import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { readOrCreateLocalSecret } from './local-secrets.js';
import { parseKeyRing, Vault } from './vault.js';

/** Returns the vault from ENCRYPTION_KEYS, or outside production from a generated local key. */
export async function loadVault(options: { encryptionKeys?: string; nodeEnv: string; dataDir: string; logger: Logger }): Promise<Vault> {
  if (options.encryptionKeys) return new Vault(parseKeyRing(options.encryptionKeys));
  if (options.nodeEnv === 'production') {
    throw new Error('ENCRYPTION_KEYS is missing: production never stores marketplace credentials without a key. Set ENCRYPTION_KEYS=key1:<32 random bytes as base64>.');
  }
  const line = await readOrCreateLocalSecret({
    dataDir: options.dataDir,
    fileName: 'encryption-key',
    variable: 'ENCRYPTION_KEYS',
    create: () => `dev1:${randomBytes(32).toString('base64')}`,
    logger: options.logger,
  });
  return new Vault(parseKeyRing(line));
}
