import { Marketplace, type Credential } from '../entities/index.js';

const DAY_MS = 24 * 60 * 60_000;

/**
 * MercadoLibre refresh tokens lapse after 6 months without use, and each refresh issues a new one,
 * so the authorization lapses 6 months (taken as 180 days) after the tokens were last stored.
 * NOTE: an estimate. MercadoLibre returns no expiry with the refresh token, and the storage time is
 * read from the credential's `updatedAt`.
 */
export const MERCADOLIBRE_REFRESH_TOKEN_IDLE_DAYS = 180;

/**
 * When the connection's authorization lapses unless it is renewed: the refresh token expiry the
 * marketplace returned (TikTok Shop's authorization, Shopify's expiring offline tokens), or the
 * MercadoLibre estimate. Null when nothing lapses on a known date (SHEIN keys, non-expiring Shopify
 * tokens) or when no credentials are stored.
 */
export function authorizationExpiresAt(
  marketplace: Marketplace,
  credential: Pick<Credential, 'refreshTokenExpiresAt' | 'refreshTokenCiphertext' | 'updatedAt'> | null,
): Date | null {
  if (!credential) return null;
  if (credential.refreshTokenExpiresAt) return credential.refreshTokenExpiresAt;
  if (marketplace === Marketplace.MERCADOLIBRE && credential.refreshTokenCiphertext) {
    return new Date(credential.updatedAt.getTime() + MERCADOLIBRE_REFRESH_TOKEN_IDLE_DAYS * DAY_MS);
  }
  return null;
}

/** Tells whether an authorization lapses within `warningDays` from `now`, or has lapsed already. */
export function isAuthorizationExpiringSoon(expiresAt: Date | null, warningDays: number, now: Date = new Date()): boolean {
  return expiresAt !== null && expiresAt.getTime() - now.getTime() <= warningDays * DAY_MS;
}
