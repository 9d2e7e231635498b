import type { FastifyReply, FastifyRequest } from 'fastify';
import { queryOf, type SandboxContext } from './context.js';
import { CODES, sendTikTokError } from './errors.js';
import { expectedSign, signaturesEqual } from './signing.js';
import type { AccessTokenRecord } from './credentials.js';
import type { AppRecord, ShopRecord } from './store.js';

/** TikTok accepts a timestamp from 5 minutes before to 30 seconds after its own clock. */
export const TIMESTAMP_MAX_AGE_SECONDS = 300;
export const TIMESTAMP_MAX_AHEAD_SECONDS = 30;

export interface ApiRoute {
  /** Route pattern, the unit of the rate limit (e.g. /product/202309/products/:productId). */
  api: string;
  scope: string;
  /** Whether the API acts on one shop and so requires `shop_cipher`; /authorization/* rejects it. */
  shopScoped: boolean;
}

/** The app, seller and (for shop-scoped APIs) shop behind a verified request. */
export interface ApiCaller {
  app: AppRecord;
  token: AccessTokenRecord;
  shop: ShopRecord | null;
}

/** Same as ApiCaller for shop-scoped routes, where the shop is always present. */
export type ShopCaller = ApiCaller & { shop: ShopRecord };

/**
 * Verifies a signed API request the way TikTok does, or sends TikTok's error and returns undefined.
 * Checks in order: app key, rate limit, sign present, timestamp window, signature over path,
 * sorted query and raw body, access token, scope, shop cipher.
 */
export function authenticateApiRequest(context: SandboxContext, request: FastifyRequest, reply: FastifyReply, route: ApiRoute): ApiCaller | undefined {
  const query = queryOf(request.url);
  const fail = (code: number, message: string): undefined => {
    context.logger.debug({ api: route.api, code }, 'API request rejected');
    void sendTikTokError(reply, code, message);
    return undefined;
  };

  const app = context.store.apps.get(query.get('app_key') ?? '');
  if (!app) return fail(CODES.invalidCredentials, 'Invalid credentials. Invalid app_key query parameter.');

  if (!context.rateLimiter.tryAcquire({ appKey: app.appKey, shopCipher: query.get('shop_cipher') ?? '', api: route.api }, Date.now())) {
    return fail(CODES.tooManyRequests, 'Too many requests. You have made too many requests in a short period of time.');
  }

  const sign = query.get('sign');
  if (!sign) return fail(CODES.invalidCredentials, 'Missing credentials. The request does not include a required signature in the query.');

  const timestampText = query.get('timestamp') ?? '';
  const nowSeconds = Math.floor(Date.now() / 1000);
  if (!/^\d+$/.test(timestampText)) {
    return fail(CODES.invalidCredentials, 'Invalid timestamp. The value of the timestamp query parameter must be Unix time in seconds.');
  }
  const timestamp = Number(timestampText);
  if (timestamp < nowSeconds - TIMESTAMP_MAX_AGE_SECONDS) {
    return fail(CODES.invalidCredentials, 'Invalid timestamp. The value of the timestamp query parameter must not be earlier than 5 minutes before the current time.');
  }
  if (timestamp > nowSeconds + TIMESTAMP_MAX_AHEAD_SECONDS) {
    return fail(CODES.invalidCredentials, 'Invalid timestamp. The value of the timestamp query parameter must not exceed the current time by more than 30 seconds.');
  }

  const path = request.url.split('?')[0] ?? request.url;
  const isMultipart = (request.headers['content-type'] ?? '').startsWith('multipart/form-data');
  const rawBody = isMultipart ? '' : (context.rawBodies.get(request) ?? '');
  if (!signaturesEqual(expectedSign(app.appSecret, path, query, rawBody), sign)) {
    context.logger.info({ api: route.api, appKey: app.appKey }, 'API request rejected: the sign does not match');
    return fail(CODES.invalidSign, 'Invalid credentials. The sign query parameter is invalid.');
  }

  const accessToken = request.headers['x-tts-access-token'];
  const token = typeof accessToken === 'string' ? context.credentials.findAccessToken(accessToken) : undefined;
  if (!token || token.revoked || token.appKey !== app.appKey) {
    return fail(CODES.invalidCredentials, 'Invalid credentials. The x-tts-access-token header is invalid.');
  }
  if (token.expiresAt <= Date.now()) return fail(CODES.tokenExpired, 'Expired credentials. The x-tts-access-token header has expired.');

  if (!token.scopes.includes(route.scope)) {
    return fail(CODES.scopeMissing, `Access denied. The access token does not contain the required access scope ${route.scope} for this endpoint.`);
  }

  const cipher = query.get('shop_cipher');
  if (!route.shopScoped) {
    if (cipher !== null) return fail(CODES.invalidCredentials, 'Unexpected identifier. The shop_cipher query parameter is not required for this request.');
    return { app, token, shop: null };
  }
  if (!cipher) return fail(CODES.shopCipherMissing, 'Missing identifier. The shop_cipher query parameter is required to identify the target shop.');
  const shop = context.store.shopByCipher(cipher);
  if (!shop || shop.openId !== token.openId) {
    return fail(CODES.tokenShopMismatch, 'Invalid query or header. The token is not associated with a shop, or the associated shop does not match the provided shop_cipher query parameter.');
  }
  return { app, token, shop };
}

/** authenticateApiRequest for shop-scoped routes, typed so the shop is present. */
export function authenticateShopRequest(context: SandboxContext, request: FastifyRequest, reply: FastifyReply, route: Omit<ApiRoute, 'shopScoped'>): ShopCaller | undefined {
  const caller = authenticateApiRequest(context, request, reply, { ...route, shopScoped: true });
  return caller?.shop ? { ...caller, shop: caller.shop } : undefined;
}
