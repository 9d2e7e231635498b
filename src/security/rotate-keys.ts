import type { Logger } from 'pino';
import { TENANT_FILTER, type EntityManager, type MikroORM } from '../database/orm.js';
import { Credential, OAuthState } from '../entities/index.js';
import { Vault, VaultError, type VaultContext } from './vault.js';

export interface RotateKeysOptions {
  orm: MikroORM;
  /** Key ring whose first key re-encrypts every stored secret. It must still contain the old keys. */
  vault: Vault;
  logger: Logger;
  /** Rows read per query. */
  batchSize?: number;
}

export interface RotateKeysResult {
  /** Credential rows rewritten under the current key. */
  credentials: number;
  /** Pending OAuth states whose code verifier was rewritten under the current key. */
  states: number;
  /** Rows another writer changed between read and write (a token refresh, a used state), left as they are. */
  skipped: number;
}

const DEFAULT_BATCH_SIZE = 200;
const ALL_TENANTS = { filters: { [TENANT_FILTER]: false } };

/**
 * Re-encrypts every credential and every pending OAuth code verifier that is not under
 * `vault.currentKeyId`, across all tenants, in batches ordered by id. Rows already under the current
 * key are left alone, so a rerun after a crash continues where the last one stopped. Each write is
 * conditional on the stored ciphertext being the one read, so it is safe while the service runs.
 */
export async function rotateKeys(options: RotateKeysOptions): Promise<RotateKeysResult> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`Invalid batchSize ${batchSize}: use a positive integer.`);
  const result: RotateKeysResult = { credentials: 0, states: 0, skipped: 0 };
  await rotateCredentials(options, batchSize, result);
  await rotateStates(options, batchSize, result);
  options.logger.info({ keyId: options.vault.currentKeyId, ...result }, 'encryption key rotation finished');
  return result;
}

async function rotateCredentials(options: RotateKeysOptions, batchSize: number, result: RotateKeysResult): Promise<void> {
  const { orm, vault } = options;
  let lastId: string | undefined;
  for (;;) {
    // A fresh entity manager per batch, so no row is served from an earlier batch's identity map.
    const em = orm.em.fork({ clear: true });
    const rows = await em.find(Credential, afterId(lastId), { ...ALL_TENANTS, orderBy: { id: 'asc' }, limit: batchSize });
    if (rows.length === 0) return;
    lastId = rows[rows.length - 1]!.id;

    for (const row of rows) {
      const context = (purpose: string): VaultContext => ({ tenantId: row.tenantId, ownerId: row.connection.id, purpose });
      const access = reencrypt(vault, row.accessTokenCiphertext, context('access_token'), 'Credential', row.id);
      const refresh = row.refreshTokenCiphertext === null ? null : reencrypt(vault, row.refreshTokenCiphertext, context('refresh_token'), 'Credential', row.id);
      if (access === row.accessTokenCiphertext && refresh === row.refreshTokenCiphertext) continue;

      const updated = await em.nativeUpdate(
        Credential,
        { id: row.id, accessTokenCiphertext: row.accessTokenCiphertext, refreshTokenCiphertext: row.refreshTokenCiphertext },
        { accessTokenCiphertext: access, refreshTokenCiphertext: refresh },
        ALL_TENANTS,
      );
      countWrite(options.logger, result, 'credentials', updated, { credentialId: row.id, tenantId: row.tenantId });
    }
  }
}

async function rotateStates(options: RotateKeysOptions, batchSize: number, result: RotateKeysResult): Promise<void> {
  const { orm, vault } = options;
  let lastId: string | undefined;
  for (;;) {
    const em: EntityManager = orm.em.fork({ clear: true });
    const pending = { ...afterId(lastId), usedAt: null, expiresAt: { $gt: new Date() }, codeVerifierCiphertext: { $ne: null } };
    const rows = await em.find(OAuthState, pending, { ...ALL_TENANTS, orderBy: { id: 'asc' }, limit: batchSize });
    if (rows.length === 0) return;
    lastId = rows[rows.length - 1]!.id;

    for (const row of rows) {
      const stored = row.codeVerifierCiphertext;
      if (stored === null) continue;
      const context: VaultContext = { tenantId: row.tenantId, ownerId: row.id, purpose: 'code_verifier' };
      const verifier = reencrypt(vault, stored, context, 'OAuthState', row.id);
      if (verifier === stored) continue;

      const updated = await em.nativeUpdate(OAuthState, { id: row.id, codeVerifierCiphertext: stored, usedAt: null }, { codeVerifierCiphertext: verifier }, ALL_TENANTS);
      countWrite(options.logger, result, 'states', updated, { stateId: row.id, tenantId: row.tenantId });
    }
  }
}

/** Keyset pagination: rows after the last id of the previous batch. */
function afterId(lastId: string | undefined): { id?: { $gt: string } } {
  return lastId === undefined ? {} : { id: { $gt: lastId } };
}

/** Returns `sealed` unchanged when it is under the current key, otherwise the same secret under the current key. */
function reencrypt(vault: Vault, sealed: string, context: VaultContext, table: string, id: string): string {
  if (Vault.keyIdOf(sealed) === vault.currentKeyId) return sealed;
  try {
    return vault.encrypt(vault.decrypt(sealed, context), context);
  } catch (error) {
    if (error instanceof VaultError) throw new VaultError(`Failed to re-encrypt ${context.purpose} of ${table} ${id} (tenant ${context.tenantId}): ${error.message}`);
    throw error;
  }
}

function countWrite(logger: Logger, result: RotateKeysResult, kind: 'credentials' | 'states', updated: number, ids: Record<string, string>): void {
  if (updated === 1) {
    result[kind] += 1;
    return;
  }
  result.skipped += 1;
  logger.info(ids, 'row changed during key rotation; kept the newer value');
}
