import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { ConnectorRegistry } from '../connections/registry.js';
import { createMercadoLibreConfig, createMercadoLibreConnector } from '../connectors/mercadolibre/index.js';
import type { ResiliencePolicy } from '../connectors/shared/resilience/index.js';
import { createSheinConfig, createSheinConnector } from '../connectors/shein/index.js';
import { createShopifyConfig, createShopifyConnector, type ShopEndpointResolver } from '../connectors/shopify/index.js';
import { createTikTokConfig, createTikTokConnector } from '../connectors/tiktok/index.js';
import { resiliencePolicyFromConfig } from './resilience.js';

/** App credentials and hosts of each marketplace to use instead of the configured ones, such as the local sandboxes. */
export interface MarketplaceEndpoints {
  mercadolibre?: { clientId: string; clientSecret: string; authBaseUrl: string; apiBaseUrl: string };
  /** `endpointForShop` maps a shop domain to its Admin base URL (the sandbox serves every shop on one host). */
  shopify?: { clientId: string; clientSecret: string; endpointForShop: ShopEndpointResolver };
  tiktok?: { appKey: string; appSecret: string; serviceId: string; authorizeUrl: string; authBaseUrl: string; apiBaseUrl: string };
  /** `empowerBaseUrl` is the consent page; production's has a `#` fragment, which a sandbox cannot serve. */
  shein?: { appId: string; appSecret: string; empowerBaseUrl: string; apiBaseUrl: string };
}

/**
 * Registers a connector for each marketplace with credentials, from `endpoints` (the sandboxes)
 * or else from configuration. Redirect URIs point at this service's OAuth callback route, and
 * Shein's webhook path at its webhook route, both under `publicUrl`. Every connector sends its
 * session calls through `resilience`, one policy (and one set of circuit breakers) per process.
 */
export function createConnectors(
  config: Config,
  publicUrl: string,
  logger: Logger,
  endpoints: MarketplaceEndpoints = {},
  resilience: ResiliencePolicy = resiliencePolicyFromConfig(config, { logger }),
): ConnectorRegistry {
  const registry = new ConnectorRegistry();
  const redirectUri = (segment: string) => `${publicUrl}/oauth/${segment}/callback`;
  const notConfigured = (marketplace: string, variables: string) =>
    logger.warn(`${marketplace} is not configured (${variables}): its connections cannot be made`);

  const mercadolibre = endpoints.mercadolibre ?? (config.MERCADOLIBRE_CLIENT_ID && config.MERCADOLIBRE_CLIENT_SECRET
    ? { clientId: config.MERCADOLIBRE_CLIENT_ID, clientSecret: config.MERCADOLIBRE_CLIENT_SECRET, authBaseUrl: config.MERCADOLIBRE_AUTH_URL, apiBaseUrl: config.MERCADOLIBRE_API_URL }
    : undefined);
  if (mercadolibre) {
    registry.register(createMercadoLibreConnector(createMercadoLibreConfig({ ...mercadolibre, redirectUri: redirectUri('mercadolibre') }), { resilience }));
  } else {
    notConfigured('MercadoLibre', 'MERCADOLIBRE_CLIENT_ID and MERCADOLIBRE_CLIENT_SECRET');
  }

  const shopify = endpoints.shopify ?? (config.SHOPIFY_CLIENT_ID && config.SHOPIFY_CLIENT_SECRET
    ? { clientId: config.SHOPIFY_CLIENT_ID, clientSecret: config.SHOPIFY_CLIENT_SECRET }
    : undefined);
  if (shopify) {
    const shopifyConfig = createShopifyConfig({ ...shopify, redirectUri: redirectUri('shopify'), apiVersion: config.SHOPIFY_API_VERSION });
    registry.register(createShopifyConnector(shopifyConfig, { logger: logger.child({ module: 'shopify' }), resilience }));
  } else {
    notConfigured('Shopify', 'SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET');
  }

  const tiktok = endpoints.tiktok ?? (config.TIKTOK_APP_KEY && config.TIKTOK_APP_SECRET && config.TIKTOK_SERVICE_ID
    ? { appKey: config.TIKTOK_APP_KEY, appSecret: config.TIKTOK_APP_SECRET, serviceId: config.TIKTOK_SERVICE_ID, authBaseUrl: config.TIKTOK_AUTH_URL, apiBaseUrl: config.TIKTOK_API_URL }
    : undefined);
  if (tiktok) {
    registry.register(createTikTokConnector(createTikTokConfig({ ...tiktok, redirectUri: redirectUri('tiktok') }), { resilience }));
  } else {
    notConfigured('TikTok Shop', 'TIKTOK_APP_KEY, TIKTOK_APP_SECRET and TIKTOK_SERVICE_ID');
  }

  const shein = endpoints.shein ?? (config.SHEIN_APP_ID && config.SHEIN_APP_SECRET
    ? { appId: config.SHEIN_APP_ID, appSecret: config.SHEIN_APP_SECRET, apiBaseUrl: config.SHEIN_API_URL }
    : undefined);
  if (shein) {
    // SHEIN signs each event callback over the path of the registered URL, so the path must match exactly.
    const webhookPath = new URL(`${publicUrl}/webhooks/shein`).pathname;
    registry.register(createSheinConnector(createSheinConfig({ ...shein, redirectUri: redirectUri('shein'), webhookPath }), { resilience }));
  } else {
    notConfigured('Shein', 'SHEIN_APP_ID and SHEIN_APP_SECRET');
  }
  return registry;
}
