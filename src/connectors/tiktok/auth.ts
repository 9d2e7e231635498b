import type { Logger } from 'pino';
import { JsonHttpClient, type HttpResponseHook } from '../shared/http.js';
import type { ResiliencePolicy } from '../shared/resilience/index.js';
import { executeTokenRequest, type TokenCallOptions } from '../shared/token-call.js';
import { resolveTokenExpiry, type TokenExpiryRule } from '../shared/token-expiry.js';
import type { CallbackResult } from '../shared/contract.js';
import type { JsonValue, TokenSet } from '../shared/types.js';
import { TikTokClient, unwrapResponse } from './client.js';
import type { TikTokConfig } from './config.js';
import { readConnectionMetadata, toMetadataRecord, type TikTokConnectionMetadata } from './metadata.js';
import { tokenDataSchema, type TikTokTokenData } from './schemas.js';
import { fetchAuthorizedShops, fetchDefaultWarehouseId, selectShop } from './shops.js';

export const TOKEN_GET_PATH = '/api/v2/token/get';
export const TOKEN_REFRESH_PATH = '/api/v2/token/refresh';
/** Documented access token lifetime (7 days); later expiry values are capped to it. */
export const ACCESS_TOKEN_MAX_LIFETIME_SECONDS = 7 * 24 * 3600;
/** Lifetime assumed when `access_token_expire_in` is missing or unreadable; short, so a refresh comes early. */
export const ACCESS_TOKEN_FALLBACK_SECONDS = 24 * 3600;
const ACCESS_TOKEN_EXPIRY: TokenExpiryRule = {
  field: 'TikTok Shop access_token_expire_in',
  unit: 'timestamp',
  maxLifetimeSeconds: ACCESS_TOKEN_MAX_LIFETIME_SECONDS,
  fallbackSeconds: ACCESS_TOKEN_FALLBACK_SECONDS,
};
/** Smallest value read as a Unix timestamp (2001-09-09); smaller numbers are read as a lifetime in seconds. */
const MIN_UNIX_TIMESTAMP = 1_000_000_000;

export interface AuthCallOptions extends TokenCallOptions {
  logger?: Logger;
  onResponse?: HttpResponseHook;
  /** Retries of the token request and the shop reads; the process-wide default policy when not given. */
  resilience?: ResiliencePolicy;
  /** Clock in epoch milliseconds; Date.now when not given. */
  now?: () => number;
}

/** Builds the service authorization link. TikTok has no PKCE and takes the redirect URL from the app settings. */
export function buildAuthorizationUrl(config: TikTokConfig, state: string): string {
  if (state.trim() === '') {
    throw new TypeError('buildAuthorizationUrl: state must be a non-empty random value; it protects the callback against CSRF.');
  }
  const url = new URL(config.authorizeUrl);
  url.searchParams.set('service_id', config.serviceId);
  // TikTok's guide requires the state without leading or trailing white space.
  url.searchParams.set('state', state.trim());
  return url.toString();
}

/**
 * Reads the redirect back from TikTok: `code` on consent; on refusal `error=auth_denied`, which may
 * come with `code=null`. TikTok signs nothing here, so the caller's state check is the protection.
 */
export function readCallback(query: Record<string, string>): CallbackResult {
  const error = query.error;
  if (error !== undefined && error !== '') {
    return { ok: false, reason: 'access_denied', detail: error };
  }
  const code = query.code;
  if (code === undefined || code === '' || code === 'null') {
    return { ok: false, reason: 'code_missing' };
  }
  return { ok: true, code };
}

/**
 * Exchanges an authorization code (single use, valid 30 minutes) for tokens, then reads the
 * authorized shops to choose the connected one and, best effort, its default warehouse.
 */
export async function exchangeCode(config: TikTokConfig, code: string, options: AuthCallOptions = {}): Promise<TokenSet> {
  const token = await requestToken(config, TOKEN_GET_PATH, { auth_code: code, grant_type: 'authorized_code' }, [code], options);
  return completeTokenSet(config, token, options);
}

/**
 * Trades a refresh token for new tokens. TikTok may rotate the refresh token, so store the returned
 * one and refresh one connection at a time. With stored `metadata` no other call is made, so a
 * failure after the refresh cannot lose the new tokens.
 * NOTE: without metadata the shops are read after the refresh. If that call fails, the new tokens
 * are lost with the error and the seller must authorize again.
 */
export async function refreshToken(
  config: TikTokConfig,
  refreshTokenValue: string,
  metadata: Record<string, JsonValue> | undefined,
  options: AuthCallOptions = {},
): Promise<TokenSet> {
  const token = await requestToken(config, TOKEN_REFRESH_PATH, { refresh_token: refreshTokenValue, grant_type: 'refresh_token' }, [refreshTokenValue], options);
  const stored = readConnectionMetadata(metadata);
  if (stored !== null) {
    if (stored.openId !== token.open_id) {
      options.logger?.warn({ shopId: stored.shopId }, 'TikTok Shop refresh returned another open_id than the stored one; keeping the stored shop');
    }
    return toTokenSet(token, stored, options);
  }
  return completeTokenSet(config, token, options);
}

async function requestToken(
  config: TikTokConfig,
  path: string,
  grant: Record<string, string>,
  grantSecrets: string[],
  options: AuthCallOptions,
): Promise<TikTokTokenData> {
  // JsonHttpClient logs the path only, never the query, which carries the app secret here.
  const http = new JsonHttpClient({
    marketplace: 'TIKTOK',
    baseUrl: config.authBaseUrl,
    timeoutMs: config.timeoutMs,
    onResponse: options.onResponse,
    logger: options.logger?.child({ module: 'connectors.tiktok.auth' }),
  });
  const query = { app_key: config.appKey, app_secret: config.appSecret, ...grant };
  return executeTokenRequest(
    {
      marketplace: 'TIKTOK',
      operation: `GET ${path}`,
      // The auth code is single use and TikTok may rotate the refresh token, so neither grant is repeated after a 5xx.
      repeatable: false,
      send: (signal) => http.request({ method: 'GET', path, query, signal }),
      read: (response) => unwrapResponse(response, { method: 'GET', path, schema: tokenDataSchema, secretValues: [config.appSecret, ...grantSecrets] }),
    },
    { traffic: options.traffic, resilience: options.resilience, logger: options.logger },
  );
}

async function completeTokenSet(
  config: TikTokConfig,
  token: TikTokTokenData,
  options: AuthCallOptions,
): Promise<TokenSet> {
  const client = new TikTokClient({
    config,
    tokenSource: { getAccessToken: async () => token.access_token },
    logger: options.logger,
    onResponse: options.onResponse,
    now: options.now,
    resilience: options.resilience,
    traffic: options.traffic,
  });
  const shops = await fetchAuthorizedShops(client);
  const shop = selectShop(shops, config.preferredRegion);
  if (shops.length > 1) {
    options.logger?.info({ shopId: shop.id, region: shop.region, shopCount: shops.length }, 'TikTok Shop seller authorized several shops; connecting one of them');
  }
  const defaultWarehouseId = await fetchDefaultWarehouseId(client.withShopCipher(shop.cipher));
  const metadata: TikTokConnectionMetadata = {
    openId: token.open_id,
    shopId: shop.id,
    shopCipher: shop.cipher,
    shopName: shop.name,
    region: shop.region,
    defaultWarehouseId,
  };
  return toTokenSet(token, metadata, options);
}

function toTokenSet(token: TikTokTokenData, metadata: TikTokConnectionMetadata, options: AuthCallOptions): TokenSet {
  const now = (options.now ?? Date.now)();
  return {
    accessToken: token.access_token,
    refreshToken: token.refresh_token,
    expiresAt: resolveAccessTokenExpiry(token.access_token_expire_in, now, options.logger),
    refreshTokenExpiresAt: readUnixTimestamp(token.refresh_token_expire_in),
    scopes: token.granted_scopes ?? [],
    accountId: metadata.shopId,
    accountName: metadata.shopName,
    metadata: toMetadataRecord(metadata),
  };
}

/**
 * Reads `access_token_expire_in`, a Unix timestamp in seconds. A value below 1 000 000 000 (a date
 * before 2001) is read as a lifetime in seconds. A time in the past means "expired now", a time
 * past the documented 7 days is capped to 7 days, and a missing or unreadable value gives 24 h.
 * Each of these fallbacks is logged as a warning.
 */
export function resolveAccessTokenExpiry(value: unknown, nowMs: number, logger?: Logger): Date {
  return resolveTokenExpiry(value, ACCESS_TOKEN_EXPIRY, { nowMs, logger });
}

function readUnixTimestamp(value: unknown): Date | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= MIN_UNIX_TIMESTAMP ? new Date(value * 1000) : null;
}
