import type { ConnectorSession, MarketplaceConnector, WebhookResource } from '../shared/contract.js';
import { MarketplaceError } from '../shared/errors.js';
import type { HttpResponseHook } from '../shared/http.js';
import type { ResiliencePolicy } from '../shared/resilience/index.js';
import { buildAuthorizationUrl, exchangeCode, readCallback, refreshToken } from './auth.js';
import { TikTokClient } from './client.js';
import type { TikTokConfig } from './config.js';
import { fetchProductListings, importPage } from './listings.js';
import { readConnectionMetadata, type TikTokConnectionMetadata } from './metadata.js';
import { fetchOrder } from './orders.js';
import { writeStock } from './stock.js';
import { readStock } from './stock-read.js';
import { ORDER_TOPICS, parseWebhook, PRODUCT_TOPICS } from './webhooks.js';

export interface TikTokConnectorOptions {
  /** Products per search page during imports, 1 to 100; 100 when not given. */
  importPageSize?: number;
  /** Called after every marketplace response, for usage metering. */
  onResponse?: HttpResponseHook;
  /** Clock for signed timestamps and token expiry, in epoch milliseconds; Date.now when not given. */
  now?: () => number;
  /** Retries and circuit breakers of session calls; the process-wide default policy when not given. */
  resilience?: ResiliencePolicy;
}

/** Builds the TikTok Shop implementation of the connector contract used by the sync services. */
export function createTikTokConnector(config: TikTokConfig, options: TikTokConnectorOptions = {}): MarketplaceConnector {
  const sessionContext = (session: ConnectorSession): { client: TikTokClient; metadata: TikTokConnectionMetadata } => {
    const metadata = readConnectionMetadata(session.metadata);
    if (metadata === null) {
      throw new MarketplaceError(
        'TIKTOK',
        `TikTok Shop connection ${session.accountId} has no usable metadata (shop id and cipher); reconnect the shop.`,
        { kind: 'invalid_input', code: 'metadata_missing' },
      );
    }
    const client = new TikTokClient({
      config,
      tokenSource: session.tokens,
      shopCipher: metadata.shopCipher,
      logger: session.logger,
      onApiCall: session.onApiCall,
      onResponse: options.onResponse,
      now: options.now,
      connectionId: session.connectionId,
      traffic: session.traffic,
      resilience: options.resilience,
    });
    return { client, metadata };
  };
  const authOptions = { onResponse: options.onResponse, now: options.now, resilience: options.resilience };

  return {
    marketplace: 'TIKTOK',
    usesPkce: false,
    redirectUri: config.redirectUri,
    // One inventory update per product, carrying all of its SKUs.
    stockWriteBatch: { unit: 'item', size: 1 },

    authorizationUrl({ state }) {
      return buildAuthorizationUrl(config, state);
    },

    readCallback,

    exchangeCode({ code, traffic }) {
      return exchangeCode(config, code, { ...authOptions, traffic });
    },

    refreshTokens(refreshTokenValue, metadata, callOptions) {
      return refreshToken(config, refreshTokenValue, metadata, { ...authOptions, traffic: callOptions?.traffic });
    },

    async importListings(session, checkpoint) {
      const { client } = sessionContext(session);
      return importPage(client, checkpoint, { pageSize: options.importPageSize });
    },

    async writeStock(session, changes) {
      let context: ReturnType<typeof sessionContext>;
      try {
        context = sessionContext(session);
      } catch (error) {
        if (!(error instanceof MarketplaceError)) throw error;
        return { applied: [], failed: changes.map((change) => ({ change, error })) };
      }
      return writeStock(context.client, changes, { warehouseId: context.metadata.defaultWarehouseId });
    },

    async readStock(session, refs) {
      const { client, metadata } = sessionContext(session);
      return readStock(client, refs, { warehouseId: metadata.defaultWarehouseId });
    },

    parseWebhook(webhook) {
      return parseWebhook(config, webhook);
    },

    async fetchWebhookResource(session, webhook): Promise<WebhookResource> {
      if (webhook.resource !== null && ORDER_TOPICS.has(webhook.topic)) {
        return { kind: 'order', order: await fetchOrder(sessionContext(session).client, webhook.resource) };
      }
      if (webhook.resource !== null && PRODUCT_TOPICS.has(webhook.topic)) {
        return { kind: 'listings', listings: await fetchProductListings(sessionContext(session).client, webhook.resource) };
      }
      session.logger.debug({ topic: webhook.topic }, 'TikTok Shop notification ignored');
      return { kind: 'ignored', topic: webhook.topic };
    },
  };
}
