import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { ConnectorRegistry } from '../connections/registry.js';
import { createMercadoLibreConfig, createMercadoLibreConnector } from '../connectors/mercadolibre/index.js';

/** Marketplace endpoints to use instead of the production hosts, such as a local sandbox. */
export interface MarketplaceEndpoints {
  mercadolibre?: { clientId: string; clientSecret: string; authBaseUrl: string; apiBaseUrl: string };
}

/**
 * Registers a connector for each marketplace with credentials, from configuration or from
 * `endpoints` (the sandboxes). Redirect URIs point at this service's OAuth callback route.
 */
export function createConnectors(config: Config, publicUrl: string, logger: Logger, endpoints: MarketplaceEndpoints = {}): ConnectorRegistry {
  const registry = new ConnectorRegistry();
  const mercadolibre = endpoints.mercadolibre ?? (config.MERCADOLIBRE_CLIENT_ID && config.MERCADOLIBRE_CLIENT_SECRET
    ? { clientId: config.MERCADOLIBRE_CLIENT_ID, clientSecret: config.MERCADOLIBRE_CLIENT_SECRET, authBaseUrl: config.MERCADOLIBRE_AUTH_URL, apiBaseUrl: config.MERCADOLIBRE_API_URL }
    : undefined);
  if (mercadolibre) {
    registry.register(createMercadoLibreConnector(createMercadoLibreConfig({ ...mercadolibre, redirectUri: `${publicUrl}/oauth/mercadolibre/callback` })));
  } else {
    logger.warn('MercadoLibre is not configured (MERCADOLIBRE_CLIENT_ID and MERCADOLIBRE_CLIENT_SECRET): its connections cannot be made');
  }
  return registry;
}
