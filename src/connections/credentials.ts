import type { EntityManager } from '@mikro-orm/postgresql';
import type { TokenSet } from '../connectors/shared/types.js';
import { Credential, type MarketplaceConnection } from '../entities/index.js';
import type { Vault } from '../security/vault.js';
import { encryptTokenSet } from './token-crypto.js';

export { StoredTokenSource, type TokenSourceDependencies, type TokenSourceOptions } from './token-source.js';

/**
 * Stores a token set for a connection, encrypted and bound to the tenant and connection, and
 * increments the credential version. Used when an account is (re)authorized; refreshes go through
 * the refresh lease instead (see StoredTokenSource).
 * NOTE: the version is read and written back by the ORM, not incremented in SQL, so a refresh
 * stored between that read and the flush ends with both writes at the same version number.
 */
export function storeTokens(em: EntityManager, vault: Vault, connection: MarketplaceConnection, tokens: TokenSet, existing: Credential | null): Credential {
  const encrypted = encryptTokenSet(vault, { tenantId: connection.tenantId, connectionId: connection.id }, tokens);
  if (existing) {
    existing.accessTokenCiphertext = encrypted.accessTokenCiphertext;
    existing.refreshTokenCiphertext = encrypted.refreshTokenCiphertext;
    existing.accessTokenExpiresAt = encrypted.accessTokenExpiresAt;
    existing.refreshTokenExpiresAt = encrypted.refreshTokenExpiresAt;
    existing.version += 1;
    return existing;
  }
  return em.create(Credential, {
    tenantId: connection.tenantId,
    connection,
    ...encrypted,
  });
}
