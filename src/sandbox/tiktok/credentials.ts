import { reportSandboxSecret } from '../shared/secrets.js';
import type { AppRecord } from './store.js';
import { createAuthorizationCode, createToken } from './tokens.js';

/** An auth code expires 30 minutes after it is issued and works once. */
const CODE_TTL_MS = 30 * 60 * 1000;

interface CodeRecord {
  appKey: string;
  openId: string;
  expiresAt: number;
  used: boolean;
}

export interface AccessTokenRecord {
  appKey: string;
  openId: string;
  scopes: string[];
  expiresAt: number;
  revoked: boolean;
}

interface RefreshTokenRecord {
  appKey: string;
  openId: string;
  used: boolean;
  revoked: boolean;
}

interface Grant {
  scopes: string[];
  /** When the seller's authorization lapses; also the refresh token's expiry. */
  expiresAt: number;
}

export interface IssuedTokens {
  accessToken: string;
  accessTokenExpiresAt: number;
  refreshToken: string;
  refreshTokenExpiresAt: number;
  openId: string;
  scopes: string[];
}

/** Why a grant failed: `unknown` (no such code or token, or already used) or `expired`. */
export type GrantResult = { ok: true; tokens: IssuedTokens } | { ok: false; failure: 'unknown' | 'expired'; reason: string };

/** Auth codes, access and refresh tokens, and which seller authorized which app with which scopes. */
export class CredentialStore {
  private readonly codes = new Map<string, CodeRecord>();
  private readonly accessTokens = new Map<string, AccessTokenRecord>();
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  /** Grants by open id, then by app key. */
  private readonly grants = new Map<string, Map<string, Grant>>();

  constructor(private readonly settings: { accessTokenTtlSeconds: number; authorizationTtlSeconds: number }) {}

  /** Records the seller's consent and returns a single-use auth code. */
  issueCode(app: AppRecord, openId: string, now: number): string {
    const code = createAuthorizationCode();
    reportSandboxSecret('TIKTOK', 'authorization_code', code);
    this.codes.set(code, { appKey: app.appKey, openId, expiresAt: now + CODE_TTL_MS, used: false });
    const grants = this.grants.get(openId) ?? new Map<string, Grant>();
    grants.set(app.appKey, { scopes: [...app.scopes], expiresAt: now + this.settings.authorizationTtlSeconds * 1000 });
    this.grants.set(openId, grants);
    return code;
  }

  exchangeCode(app: AppRecord, code: string, now: number): GrantResult {
    const record = this.codes.get(code);
    if (!record || record.appKey !== app.appKey) return { ok: false, failure: 'unknown', reason: 'unknown auth code, or issued to another app' };
    if (record.used) return { ok: false, failure: 'unknown', reason: 'auth code was already used' };
    if (record.expiresAt <= now) return { ok: false, failure: 'expired', reason: 'auth code expired' };
    record.used = true;
    return this.issueTokens(app, record.openId, now);
  }

  /** Rotates the refresh token: the one passed in stops working once the new pair is issued. */
  exchangeRefreshToken(app: AppRecord, refreshToken: string, now: number): GrantResult {
    const record = this.refreshTokens.get(refreshToken);
    if (!record || record.appKey !== app.appKey) return { ok: false, failure: 'unknown', reason: 'unknown refresh token, or issued to another app' };
    if (record.used) return { ok: false, failure: 'unknown', reason: 'refresh token was already used' };
    if (record.revoked) return { ok: false, failure: 'unknown', reason: 'authorization was revoked' };
    record.used = true;
    return this.issueTokens(app, record.openId, now);
  }

  /** Returns the record of an access token whatever its state; the caller checks expiry and revocation. */
  findAccessToken(token: string): AccessTokenRecord | undefined {
    return this.accessTokens.get(token);
  }

  /** App keys the seller has authorized. */
  authorizedAppKeys(openId: string): string[] {
    return [...(this.grants.get(openId)?.keys() ?? [])];
  }

  expireAccessTokens(openId: string | undefined, now: number): void {
    for (const record of this.accessTokens.values()) {
      if (openId === undefined || record.openId === openId) record.expiresAt = Math.min(record.expiresAt, now);
    }
  }

  /** Removes the seller's authorization of one app, or of every app; returns the app keys removed. */
  revoke(openId: string, appKey?: string): string[] {
    const matches = (record: { openId: string; appKey: string }): boolean => record.openId === openId && (appKey === undefined || record.appKey === appKey);
    for (const record of this.accessTokens.values()) if (matches(record)) record.revoked = true;
    for (const record of this.refreshTokens.values()) if (matches(record)) record.revoked = true;
    for (const record of this.codes.values()) if (matches(record)) record.used = true;
    const grants = this.grants.get(openId);
    if (!grants) return [];
    const removed = appKey === undefined ? [...grants.keys()] : grants.has(appKey) ? [appKey] : [];
    for (const key of removed) grants.delete(key);
    return removed;
  }

  private issueTokens(app: AppRecord, openId: string, now: number): GrantResult {
    const grant = this.grants.get(openId)?.get(app.appKey);
    if (!grant) return { ok: false, failure: 'unknown', reason: 'the seller no longer authorizes the app' };
    if (grant.expiresAt <= now) return { ok: false, failure: 'expired', reason: 'authorization expired' };
    const accessToken = createToken();
    const refreshToken = createToken();
    reportSandboxSecret('TIKTOK', 'access_token', accessToken);
    reportSandboxSecret('TIKTOK', 'refresh_token', refreshToken);
    // Expiry instants are whole seconds, because TikTok reports them as Unix timestamps.
    const accessTokenExpiresAt = Math.floor((now + this.settings.accessTokenTtlSeconds * 1000) / 1000) * 1000;
    this.accessTokens.set(accessToken, { appKey: app.appKey, openId, scopes: [...grant.scopes], expiresAt: accessTokenExpiresAt, revoked: false });
    this.refreshTokens.set(refreshToken, { appKey: app.appKey, openId, used: false, revoked: false });
    return {
      ok: true,
      tokens: { accessToken, accessTokenExpiresAt, refreshToken, refreshTokenExpiresAt: Math.floor(grant.expiresAt / 1000) * 1000, openId, scopes: [...grant.scopes] },
    };
  }
}
