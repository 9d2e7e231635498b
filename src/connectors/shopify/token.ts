import type { Logger } from 'pino';
import { MarketplaceError, parseResponseBody } from '../shared/errors.js';
import { JsonHttpClient, type HttpResponseHook } from '../shared/http.js';
import type { ResiliencePolicy } from '../shared/resilience/index.js';
import { executeTokenRequest, type TokenCallOptions as TrafficOptions } from '../shared/token-call.js';
import { readPositiveSeconds, resolveTokenExpiry, type TokenExpiryRule } from '../shared/token-expiry.js';
import type { JsonValue, TokenSet } from '../shared/types.js';
import { ShopifyGraphqlClient } from './client.js';
import type { ShopifyConfig } from './config.js';
import { InvalidShopDomainError, mapShopifyHttpError } from './errors.js';
import { SHOP_INFO } from './queries.js';
import { tokenResponseSchema } from './schemas.js';
import { parseShopDomain } from './shop-domain.js';
import type { ThrottleStatusBoard } from './throttle.js';

/**
 * Expiring offline tokens live 60 minutes (`expires_in` 3600), which is also the fallback for a
 * missing or odd value. A value over a day is taken as a mistake and capped.
 */
const ACCESS_TOKEN_EXPIRY: TokenExpiryRule = {
  field: 'Shopify expires_in',
  unit: 'lifetime',
  maxLifetimeSeconds: 24 * 3600,
  fallbackSeconds: 3600,
};

export interface TokenCallOptions extends TrafficOptions {
  logger?: Logger;
  onResponse?: HttpResponseHook;
  throttle?: ThrottleStatusBoard;
  /** Retries of the token request and the shop read; the process-wide default policy when not given. */
  resilience?: ResiliencePolicy;
}

/** Non-secret data stored with a Shopify connection and handed back in sessions. */
export interface ShopifyConnectionMetadata {
  shopDomain: string;
  /** API version the connection was made with; requests always use the configured version. */
  apiVersion: string;
  /** The location whose `available` quantities are synced: the shop's primary location at connect time. */
  locationId?: string;
}

/**
 * Exchanges an authorization code for an offline token, then reads the shop's name and primary
 * location with it. The code is already spent by then, so a failure of that second read is only
 * logged: `accountName` and `locationId` are left out, and the location is looked up on use.
 */
export async function exchangeCode(config: ShopifyConfig, input: { code: string; shopDomain?: string }, options: TokenCallOptions = {}): Promise<TokenSet> {
  const shop = parseShopDomain(input.shopDomain);
  if (!shop.ok) throw new InvalidShopDomainError(shop);
  const form: Record<string, string> = { client_id: config.clientId, client_secret: config.clientSecret, code: input.code };
  // NOTE: `expiring=1` is how we read Shopify's guide on expiring offline tokens for this grant.
  if (config.expiringTokens) form.expiring = '1';
  const metadata = { shopDomain: shop.shopDomain, apiVersion: config.apiVersion };
  // A code is single use, so the exchange is repeated only after a 429 or a refused connection.
  const tokens = await requestToken(config, shop.shopDomain, form, [input.code], { ...options, repeatable: false }, metadata);

  const logger = options.logger?.child({ module: 'connectors.shopify.auth', shopDomain: shop.shopDomain });
  const client = new ShopifyGraphqlClient({
    config,
    shopDomain: shop.shopDomain,
    tokenSource: { getAccessToken: async () => tokens.accessToken },
    logger: options.logger,
    onResponse: options.onResponse,
    throttle: options.throttle,
    resilience: options.resilience,
    traffic: options.traffic,
  });
  try {
    const info = await client.request(SHOP_INFO);
    tokens.accountName = info.shop.name;
    if (info.location) tokens.metadata = { ...tokens.metadata, locationId: info.location.id };
  } catch (error) {
    if (!(error instanceof MarketplaceError)) throw error;
    logger?.warn({ kind: error.kind, code: error.code }, 'could not read the shop name and primary location after connecting; continuing without them');
  }
  return tokens;
}

/**
 * Trades a refresh token for a new access token and a new refresh token (Shopify rotates it on
 * every use). Since 2026-08-28 the old refresh token keeps working until the new one is first
 * used, which covers a lost response. Store the returned pair before anything else all the same.
 * `metadata` is the connection's stored metadata, which names the shop.
 */
export function refreshAccessToken(
  config: ShopifyConfig,
  refreshToken: string,
  metadata: Record<string, JsonValue> | undefined,
  options: TokenCallOptions = {},
): Promise<TokenSet> {
  const shop = parseShopDomain(metadata?.shopDomain);
  if (!shop.ok) {
    throw new InvalidShopDomainError({ ...shop, message: `Shopify token refresh needs the connection's metadata.shopDomain. ${shop.message}` });
  }
  const stored: ShopifyConnectionMetadata = { shopDomain: shop.shopDomain, apiVersion: config.apiVersion };
  if (typeof metadata?.locationId === 'string') stored.locationId = metadata.locationId;
  const form = { client_id: config.clientId, client_secret: config.clientSecret, grant_type: 'refresh_token', refresh_token: refreshToken };
  // The old refresh token stays valid until the new one is used, so a repeat after a lost response is safe.
  return requestToken(config, shop.shopDomain, form, [refreshToken], { ...options, repeatable: true }, stored);
}

async function requestToken(
  config: ShopifyConfig,
  shopDomain: string,
  form: Record<string, string>,
  grantSecrets: string[],
  options: TokenCallOptions & { repeatable: boolean },
  metadata: ShopifyConnectionMetadata,
): Promise<TokenSet> {
  const logger = options.logger?.child({ module: 'connectors.shopify.auth', shopDomain });
  const http = new JsonHttpClient({
    marketplace: 'SHOPIFY',
    baseUrl: config.endpointForShop(shopDomain),
    timeoutMs: config.timeoutMs,
    onResponse: options.onResponse,
    logger,
  });
  const path = '/admin/oauth/access_token';
  const token = await executeTokenRequest(
    {
      marketplace: 'SHOPIFY',
      operation: `POST ${path}`,
      repeatable: options.repeatable,
      send: (signal) => http.request({ method: 'POST', path, form, signal }),
      read: (response) => {
        if (response.status < 200 || response.status >= 300) {
          throw mapShopifyHttpError(
            { method: 'POST', path, shopDomain, status: response.status, headers: response.headers, body: response.body },
            'token',
            [config.clientSecret, ...grantSecrets],
          );
        }
        return parseResponseBody(tokenResponseSchema, response.body, { marketplace: 'SHOPIFY', operation: `POST ${path}` });
      },
    },
    { traffic: options.traffic, resilience: options.resilience, logger },
  );
  // Only a token without expires_in and without a refresh token is a legacy non-expiring offline token.
  const nonExpiring = token.expires_in === undefined && token.refresh_token === undefined;
  if (config.expiringTokens && nonExpiring) {
    logger?.warn('Shopify returned a non-expiring offline token although expiring tokens were requested');
  }
  if (!nonExpiring && token.refresh_token === undefined) {
    logger?.warn({ expiresIn: token.expires_in }, 'Shopify returned an expiring token without a refresh token; the merchant must authorize again when it expires');
  }
  const now = Date.now();
  const refreshTokenSeconds = readPositiveSeconds(token.refresh_token_expires_in);
  return {
    accessToken: token.access_token,
    refreshToken: token.refresh_token ?? null,
    expiresAt: nonExpiring ? null : resolveTokenExpiry(token.expires_in, ACCESS_TOKEN_EXPIRY, { nowMs: now, logger }),
    refreshTokenExpiresAt: refreshTokenSeconds === null ? null : new Date(now + refreshTokenSeconds * 1000),
    scopes: token.scope.split(',').map((scope) => scope.trim()).filter((scope) => scope !== ''),
    accountId: shopDomain,
    metadata: { ...metadata },
  };
}
