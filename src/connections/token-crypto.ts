import type { TokenSet } from '../connectors/shared/types.js';
import type { Vault } from '../security/vault.js';

/** The encrypted form of a token set, in the columns of the `credential` table. */
export interface EncryptedTokenSet {
  accessTokenCiphertext: string;
  refreshTokenCiphertext: string | null;
  accessTokenExpiresAt: Date | null;
  refreshTokenExpiresAt: Date | null;
}

/** Purpose names bound into each ciphertext, so an access token cannot be decrypted as a refresh token. */
export type TokenPurpose = 'access_token' | 'refresh_token';

/** Identifies the connection a ciphertext belongs to; both ids are authenticated with it. */
export interface TokenOwner {
  tenantId: string;
  connectionId: string;
}

/** Encrypts a token set for one connection. */
export function encryptTokenSet(vault: Vault, owner: TokenOwner, tokens: TokenSet): EncryptedTokenSet {
  return {
    accessTokenCiphertext: encryptToken(vault, owner, 'access_token', tokens.accessToken),
    refreshTokenCiphertext: tokens.refreshToken ? encryptToken(vault, owner, 'refresh_token', tokens.refreshToken) : null,
    accessTokenExpiresAt: tokens.expiresAt,
    refreshTokenExpiresAt: tokens.refreshTokenExpiresAt ?? null,
  };
}

export function encryptToken(vault: Vault, owner: TokenOwner, purpose: TokenPurpose, token: string): string {
  return vault.encrypt(token, { tenantId: owner.tenantId, ownerId: owner.connectionId, purpose });
}

/** Decrypts a stored token; throws VaultError when the ciphertext was made for another row or purpose. */
export function decryptToken(vault: Vault, owner: TokenOwner, purpose: TokenPurpose, ciphertext: string): string {
  return vault.decrypt(ciphertext, { tenantId: owner.tenantId, ownerId: owner.connectionId, purpose });
}
