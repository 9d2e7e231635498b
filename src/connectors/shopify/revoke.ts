import type { ConnectorSession } from '../shared/contract.js';
import { JsonHttpClient, type HttpResponseHook } from '../shared/http.js';
import type { ShopifyConfig } from './config.js';
import { InvalidShopDomainError, mapShopifyHttpError } from './errors.js';
import { parseShopDomain } from './shop-domain.js';

/** Shopify's documented call that revokes the app's access token and uninstalls the app from the shop. */
export const REVOKE_PATH = '/admin/api_permissions/current.json';

/**
 * Uninstalls the app from the connection's shop with `DELETE /admin/api_permissions/current.json`
 * (shopify.dev, "Uninstall a Shopify app with an API request"). Shopify then revokes every token of
 * the app on that shop and sends `app/uninstalled`. A 401 gets one token renewal and one retry,
 * because an expiring offline token may have lapsed since it was read.
 */
export async function uninstallApp(config: ShopifyConfig, session: ConnectorSession, onResponse?: HttpResponseHook): Promise<void> {
  const shop = parseShopDomain(typeof session.metadata?.shopDomain === 'string' ? session.metadata.shopDomain : session.accountId);
  if (!shop.ok) throw new InvalidShopDomainError(shop);
  const http = new JsonHttpClient({
    marketplace: 'SHOPIFY',
    baseUrl: config.endpointForShop(shop.shopDomain),
    timeoutMs: config.timeoutMs,
    onResponse,
    logger: session.logger,
  });
  const send = async (accessToken: string) => {
    session.onApiCall?.();
    const response = await http.request({ method: 'DELETE', path: REVOKE_PATH, headers: { 'x-shopify-access-token': accessToken } });
    return { accessToken, response };
  };

  let attempt = await send(await session.tokens.getAccessToken());
  if (attempt.response.status === 401 && session.tokens.renewAfterUnauthorized) {
    attempt = await send(await session.tokens.renewAfterUnauthorized(attempt.accessToken));
  }
  const { response, accessToken } = attempt;
  if (response.status < 200 || response.status >= 300) {
    throw mapShopifyHttpError(
      { method: 'DELETE', path: REVOKE_PATH, shopDomain: shop.shopDomain, status: response.status, headers: response.headers, body: response.body },
      'api',
      [accessToken, config.clientSecret],
    );
  }
  session.logger.info({ shopDomain: shop.shopDomain }, 'Shopify app uninstalled from the shop');
}
