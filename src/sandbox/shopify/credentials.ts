import { z } from 'zod';
import { reportSandboxSecret } from '../shared/secrets.js';
import { createAccessToken, createAuthorizationCode, createRefreshToken } from './tokens.js';
import { WEBHOOK_TOPICS, type SandboxAppConfig, type WebhookTopic } from './types.js';

const CODE_TTL_MS = 10 * 60 * 1000;

export interface AppRecord {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  name: string;
  webhookUrl?: string;
  webhookTopics: Set<WebhookTopic>;
  webhookApiVersion: string;
}

interface CodeRecord {
  clientId: string;
  shopDomain: string;
  redirectUri: string;
  scopes: string[];
  expiresAt: number;
  used: boolean;
}

export interface AccessTokenRecord {
  clientId: string;
  shopDomain: string;
  scopes: string[];
  /** Null for a non-expiring offline token. */
  expiresAt: number | null;
  revoked: boolean;
}

interface RefreshTokenRecord {
  clientId: string;
  shopDomain: string;
  scopes: string[];
  expiresAt: number;
  revoked: boolean;
  /** Set once a token issued from this one is used: the old token then stops working. */
  retired: boolean;
  /** The refresh token this one was issued from. */
  parent?: string;
}

export interface IssuedTokens {
  accessToken: string;
  scopes: string[];
  expiresInSeconds?: number;
  refreshToken?: string;
  refreshTokenExpiresInSeconds?: number;
}

/** Outcome of a grant; `reason` explains a rejection in the log only. */
export type GrantResult = { ok: true; tokens: IssuedTokens } | { ok: false; reason: string };

const appSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  redirectUris: z.array(z.url()).min(1),
  name: z.string().min(1).optional(),
  webhookUrl: z.url().optional(),
  webhookTopics: z.array(z.enum(WEBHOOK_TOPICS as [WebhookTopic, ...WebhookTopic[]])).optional(),
  webhookApiVersion: z.string().regex(/^\d{4}-\d{2}$/).optional(),
});

/** Apps, installs, authorization codes and tokens. */
export class CredentialStore {
  readonly apps = new Map<string, AppRecord>();
  private readonly codes = new Map<string, CodeRecord>();
  private readonly accessTokens = new Map<string, AccessTokenRecord>();
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  /** Scopes granted to each app, by shop domain and client id. */
  private readonly installs = new Map<string, Map<string, string[]>>();

  constructor(private readonly ttl: { accessTokenSeconds: number; refreshTokenSeconds: number }) {}

  addApp(config: SandboxAppConfig): AppRecord {
    const parsed = appSchema.safeParse(config);
    if (!parsed.success) {
      throw new Error(`Invalid sandbox app configuration for client id "${config.clientId}": ${z.prettifyError(parsed.error)}`);
    }
    const input = parsed.data;
    const record: AppRecord = {
      clientId: input.clientId,
      clientSecret: input.clientSecret,
      redirectUris: [...input.redirectUris],
      name: input.name ?? input.clientId,
      webhookUrl: input.webhookUrl,
      webhookTopics: new Set(input.webhookTopics ?? WEBHOOK_TOPICS),
      webhookApiVersion: input.webhookApiVersion ?? '2026-04',
    };
    reportSandboxSecret('SHOPIFY', 'client_secret', record.clientSecret);
    this.apps.set(record.clientId, record);
    return record;
  }

  /** Records the merchant's approval and returns a single-use code valid 10 minutes. */
  issueCode(app: AppRecord, shopDomain: string, redirectUri: string, scopes: string[], now: number): string {
    const code = createAuthorizationCode();
    reportSandboxSecret('SHOPIFY', 'authorization_code', code);
    this.codes.set(code, { clientId: app.clientId, shopDomain, redirectUri, scopes, expiresAt: now + CODE_TTL_MS, used: false });
    return code;
  }

  /** Exchanges a code; `expiring` requests a 60-minute access token with a refresh token. */
  exchangeCode(app: AppRecord, shopDomain: string, code: string, expiring: boolean, now: number): GrantResult {
    const record = this.codes.get(code);
    if (!record) return { ok: false, reason: 'unknown authorization code' };
    if (record.clientId !== app.clientId) return { ok: false, reason: 'code was issued to another app' };
    if (record.shopDomain !== shopDomain) return { ok: false, reason: `code was issued for ${record.shopDomain}` };
    if (record.used) return { ok: false, reason: 'code was already used' };
    if (record.expiresAt <= now) return { ok: false, reason: 'code expired' };
    record.used = true;
    this.install(shopDomain, app.clientId, record.scopes);
    return { ok: true, tokens: this.issue(app, shopDomain, record.scopes, expiring, now) };
  }

  /**
   * Exchanges a refresh token for a new pair. The old token keeps working until the new refresh
   * token is first used (Shopify's behaviour since 2026-08-28), so a lost response can be retried.
   */
  refresh(app: AppRecord, shopDomain: string, refreshToken: string, now: number): GrantResult {
    const record = this.refreshTokens.get(refreshToken);
    if (!record) return { ok: false, reason: 'unknown refresh token' };
    if (record.clientId !== app.clientId || record.shopDomain !== shopDomain) return { ok: false, reason: 'refresh token belongs to another app or shop' };
    if (record.revoked) return { ok: false, reason: 'authorization was revoked' };
    if (record.retired) return { ok: false, reason: 'refresh token was replaced and its replacement is in use' };
    if (record.expiresAt <= now) return { ok: false, reason: 'refresh token expired' };
    const parent = record.parent === undefined ? undefined : this.refreshTokens.get(record.parent);
    if (parent) parent.retired = true;
    const tokens = this.issue(app, shopDomain, record.scopes, true, now);
    const child = tokens.refreshToken === undefined ? undefined : this.refreshTokens.get(tokens.refreshToken);
    if (child) child.parent = refreshToken;
    return { ok: true, tokens };
  }

  /** Returns the record of a usable access token for this shop, or undefined. */
  resolveAccessToken(token: string, shopDomain: string, now: number): AccessTokenRecord | undefined {
    const record = this.accessTokens.get(token);
    if (!record || record.revoked || record.shopDomain !== shopDomain) return undefined;
    if (record.expiresAt !== null && record.expiresAt <= now) return undefined;
    return record;
  }

  /** Client id an access token was issued to, usable or not. */
  clientIdOfToken(token: string): string | undefined {
    return this.accessTokens.get(token)?.clientId;
  }

  /** Apps installed on a shop with their granted scopes. */
  installedApps(shopDomain: string): Array<{ app: AppRecord; scopes: string[] }> {
    const installed = this.installs.get(shopDomain) ?? new Map<string, string[]>();
    return [...installed].flatMap(([clientId, scopes]) => {
      const app = this.apps.get(clientId);
      return app ? [{ app, scopes }] : [];
    });
  }

  expireAccessTokens(shopDomain: string | undefined, now: number): void {
    for (const record of this.accessTokens.values()) {
      if (record.expiresAt !== null && (shopDomain === undefined || record.shopDomain === shopDomain)) {
        record.expiresAt = Math.min(record.expiresAt, now);
      }
    }
  }

  /** Revokes the tokens and codes of one app (or every app) on a shop and removes the install. */
  revoke(shopDomain: string, clientId?: string): void {
    const matches = (record: { shopDomain: string; clientId: string }): boolean =>
      record.shopDomain === shopDomain && (clientId === undefined || record.clientId === clientId);
    for (const record of this.accessTokens.values()) if (matches(record)) record.revoked = true;
    for (const record of this.refreshTokens.values()) if (matches(record)) record.revoked = true;
    for (const record of this.codes.values()) if (matches(record)) record.used = true;
    if (clientId === undefined) this.installs.delete(shopDomain);
    else this.installs.get(shopDomain)?.delete(clientId);
  }

  private install(shopDomain: string, clientId: string, scopes: string[]): void {
    const installed = this.installs.get(shopDomain) ?? new Map<string, string[]>();
    installed.set(clientId, scopes);
    this.installs.set(shopDomain, installed);
  }

  private issue(app: AppRecord, shopDomain: string, scopes: string[], expiring: boolean, now: number): IssuedTokens {
    const accessToken = createAccessToken();
    reportSandboxSecret('SHOPIFY', 'access_token', accessToken);
    const base = { clientId: app.clientId, shopDomain, scopes, revoked: false };
    if (!expiring) {
      this.accessTokens.set(accessToken, { ...base, expiresAt: null });
      return { accessToken, scopes };
    }
    const refreshToken = createRefreshToken();
    reportSandboxSecret('SHOPIFY', 'refresh_token', refreshToken);
    this.accessTokens.set(accessToken, { ...base, expiresAt: now + this.ttl.accessTokenSeconds * 1000 });
    this.refreshTokens.set(refreshToken, { ...base, expiresAt: now + this.ttl.refreshTokenSeconds * 1000, retired: false });
    return {
      accessToken,
      scopes,
      expiresInSeconds: this.ttl.accessTokenSeconds,
      refreshToken,
      refreshTokenExpiresInSeconds: this.ttl.refreshTokenSeconds,
    };
  }
}
