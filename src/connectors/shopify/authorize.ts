import type { CallbackResult } from '../shared/contract.js';
import type { ShopifyConfig } from './config.js';
import { InvalidShopDomainError } from './errors.js';
import { verifyOAuthHmac } from './hmac.js';
import { parseShopDomain } from './shop-domain.js';

/**
 * Builds the URL of the shop's install and consent page. Offline access mode, so no
 * `grant_options[]`. The shop domain is checked before anything else and an invalid one raises
 * InvalidShopDomainError, because the URL is built on that host.
 */
export function buildAuthorizationUrl(config: ShopifyConfig, input: { state: string; shopDomain?: string }): string {
  const shop = parseShopDomain(input.shopDomain);
  if (!shop.ok) throw new InvalidShopDomainError(shop);
  if (input.state === '') {
    throw new TypeError('buildAuthorizationUrl: state must be a non-empty random value; it protects the callback against CSRF.');
  }
  const url = new URL(`${config.endpointForShop(shop.shopDomain).replace(/\/+$/, '')}/admin/oauth/authorize`);
  url.searchParams.set('client_id', config.clientId);
  url.searchParams.set('scope', config.scopes.join(','));
  url.searchParams.set('redirect_uri', config.redirectUri);
  url.searchParams.set('state', input.state);
  return url.toString();
}

/**
 * Reads Shopify's redirect back to the app, in this order: the `hmac` signature (every other
 * parameter is untrusted until it passes), the `timestamp` age, the `shop` domain, a denial, and
 * the code. The caller still has to check `state` and that the shop is the one it sent there.
 */
export function readCallback(config: ShopifyConfig, query: Readonly<Record<string, string>>, nowMs: number = Date.now()): CallbackResult {
  const secrets = config.previousClientSecret ? [config.clientSecret, config.previousClientSecret] : [config.clientSecret];
  if (!query.hmac) {
    return { ok: false, reason: 'signature_invalid', detail: 'the hmac parameter is missing' };
  }
  if (!verifyOAuthHmac(query, secrets)) {
    return { ok: false, reason: 'signature_invalid', detail: 'the hmac parameter does not match the other parameters' };
  }
  const timestamp = query.timestamp !== undefined && /^\d+$/.test(query.timestamp) ? Number(query.timestamp) * 1000 : null;
  if (timestamp === null || Math.abs(nowMs - timestamp) > config.callbackMaxAgeSeconds * 1000) {
    return { ok: false, reason: 'signature_invalid', detail: `the timestamp is missing or more than ${config.callbackMaxAgeSeconds} s from now` };
  }
  const shop = parseShopDomain(query.shop);
  if (!shop.ok) {
    return { ok: false, reason: 'shop_invalid', detail: shop.message };
  }
  if (query.error) {
    return { ok: false, reason: 'access_denied', detail: query.error };
  }
  if (!query.code) {
    return { ok: false, reason: 'code_missing' };
  }
  return { ok: true, code: query.code, shopDomain: shop.shopDomain };
}
