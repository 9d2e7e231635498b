import { reportSandboxSecret } from '../shared/secrets.js';
import type { AppRecord } from './store.js';
import { createAccessToken, createGrantToken, verifyS256 } from './tokens.js';

const CODE_TTL_MS = 10 * 60 * 1000;
// MercadoLibre drops a refresh token after 6 months without use.
const REFRESH_TOKEN_TTL_MS = 180 * 24 * 60 * 60 * 1000;

interface AuthorizationCodeRecord {
  clientId: string;
  userId: number;
  redirectUri: string;
  codeChallenge?: string;
  expiresAt: number;
  used: boolean;
}

export interface AccessTokenRecord {
  clientId: string;
  userId: number;
  expiresAt: number;
  revoked: boolean;
}

interface RefreshTokenRecord {
  clientId: string;
  userId: number;
  expiresAt: number;
  used: boolean;
  revoked: boolean;
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  userId: number;
  expiresInSeconds: number;
}

/** Outcome of a grant. The `reason` of a failure explains the invalid_grant and goes to logs only. */
export type GrantResult = { ok: true; tokens: IssuedTokens } | { ok: false; reason: string };

/** Authorization codes, access and refresh tokens, and which seller authorized which app. */
export class CredentialStore {
  private readonly codes = new Map<string, AuthorizationCodeRecord>();
  private readonly accessTokens = new Map<string, AccessTokenRecord>();
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  /** Client ids each seller has authorized, by seller id. */
  private readonly grants = new Map<number, Set<string>>();

  constructor(private readonly accessTokenTtlSeconds: number) {}

  /** Records the seller's consent and returns a single-use authorization code. */
  issueCode(app: AppRecord, userId: number, redirectUri: string, codeChallenge: string | undefined, now: number): string {
    const code = createGrantToken(userId);
    reportSandboxSecret('MERCADOLIBRE', 'authorization_code', code);
    this.codes.set(code, { clientId: app.clientId, userId, redirectUri, codeChallenge, expiresAt: now + CODE_TTL_MS, used: false });
    this.addGrant(userId, app.clientId);
    return code;
  }

  exchangeCode(app: AppRecord, input: { code: string; redirectUri: string; codeVerifier?: string }, now: number): GrantResult {
    // The verifier is the client's secret, so it is reported as it arrives.
    if (input.codeVerifier !== undefined) reportSandboxSecret('MERCADOLIBRE', 'code_verifier', input.codeVerifier);
    const record = this.codes.get(input.code);
    if (!record) return { ok: false, reason: 'unknown authorization code' };
    if (record.clientId !== app.clientId) return { ok: false, reason: 'code was issued to another client' };
    if (record.used) return { ok: false, reason: 'code was already used' };
    if (record.expiresAt <= now) return { ok: false, reason: 'code expired' };
    if (record.redirectUri !== input.redirectUri) {
      return { ok: false, reason: 'redirect_uri differs from the one in the authorization request' };
    }
    if (record.codeChallenge !== undefined) {
      if (!input.codeVerifier) return { ok: false, reason: 'code_verifier missing for a code issued with code_challenge' };
      if (!verifyS256(input.codeVerifier, record.codeChallenge)) {
        return { ok: false, reason: 'code_verifier does not match code_challenge' };
      }
    }
    record.used = true;
    return { ok: true, tokens: this.issueTokens(app, record.userId, now) };
  }

  /** Rotates a refresh token: the old one is dead as soon as the new pair is issued. */
  exchangeRefreshToken(app: AppRecord, refreshToken: string, now: number): GrantResult {
    const record = this.refreshTokens.get(refreshToken);
    if (!record) return { ok: false, reason: 'unknown refresh token' };
    if (record.clientId !== app.clientId) return { ok: false, reason: 'refresh token belongs to another client' };
    if (record.used) return { ok: false, reason: 'refresh token was already used' };
    if (record.revoked) return { ok: false, reason: 'authorization was revoked' };
    if (record.expiresAt <= now) return { ok: false, reason: 'refresh token expired' };
    record.used = true;
    return { ok: true, tokens: this.issueTokens(app, record.userId, now) };
  }

  /** Returns the record of a usable access token, or undefined when unknown, expired or revoked. */
  resolveAccessToken(token: string, now: number): AccessTokenRecord | undefined {
    const record = this.accessTokens.get(token);
    if (!record || record.revoked || record.expiresAt <= now) return undefined;
    return record;
  }

  /** Returns the client id an access token was issued to, whether or not it is still usable. */
  clientIdOfToken(token: string): string | undefined {
    return this.accessTokens.get(token)?.clientId;
  }

  authorizedClientIds(userId: number): string[] {
    return [...(this.grants.get(userId) ?? [])];
  }

  expireAccessTokens(userId: number | undefined, now: number): void {
    for (const record of this.accessTokens.values()) {
      if (userId === undefined || record.userId === userId) record.expiresAt = Math.min(record.expiresAt, now);
    }
  }

  /** Removes the seller's authorization of one app, or of all apps when clientId is omitted. */
  revoke(userId: number, clientId?: string): void {
    const matches = (record: { userId: number; clientId: string }): boolean =>
      record.userId === userId && (clientId === undefined || record.clientId === clientId);

    for (const record of this.accessTokens.values()) if (matches(record)) record.revoked = true;
    for (const record of this.refreshTokens.values()) if (matches(record)) record.revoked = true;
    for (const record of this.codes.values()) if (matches(record)) record.used = true;

    const clientIds = this.grants.get(userId);
    if (clientId === undefined) this.grants.delete(userId);
    else clientIds?.delete(clientId);
  }

  private addGrant(userId: number, clientId: string): void {
    const clientIds = this.grants.get(userId) ?? new Set<string>();
    clientIds.add(clientId);
    this.grants.set(userId, clientIds);
  }

  private issueTokens(app: AppRecord, userId: number, now: number): IssuedTokens {
    const accessToken = createAccessToken(app.applicationId, userId, new Date(now));
    const refreshToken = createGrantToken(userId);
    reportSandboxSecret('MERCADOLIBRE', 'access_token', accessToken);
    reportSandboxSecret('MERCADOLIBRE', 'refresh_token', refreshToken);
    this.accessTokens.set(accessToken, {
      clientId: app.clientId,
      userId,
      expiresAt: now + this.accessTokenTtlSeconds * 1000,
      revoked: false,
    });
    this.refreshTokens.set(refreshToken, {
      clientId: app.clientId,
      userId,
      expiresAt: now + REFRESH_TOKEN_TTL_MS,
      used: false,
      revoked: false,
    });
    this.addGrant(userId, app.clientId);
    return { accessToken, refreshToken, userId, expiresInSeconds: this.accessTokenTtlSeconds };
  }
}
