import type { Logger } from 'pino';
import { z } from 'zod';
import type { ConnectorSession, MarketplaceConnector } from '../shared/contract.js';
import { MarketplaceError } from '../shared/errors.js';
import type { HttpResponseHook } from '../shared/http.js';
import type { ResiliencePolicy } from '../shared/resilience/index.js';
import type { ImportCheckpoint } from '../shared/types.js';
import { buildAuthorizationUrl, readCallback } from './authorize.js';
import { bulkCheckpointSchema, importWithBulkOperation, type BulkImportOptions } from './bulk.js';
import { ShopifyGraphqlClient } from './client.js';
import type { ShopifyConfig } from './config.js';
import { InvalidShopDomainError } from './errors.js';
import { gidSchema } from './gid.js';
import { importPage, invalidCheckpointError, pagesCheckpointSchema } from './listings.js';
import { PRIMARY_LOCATION } from './queries.js';
import { parseShopDomain } from './shop-domain.js';
import { STOCK_BATCH_MAX, writeStock } from './stock.js';
import { readStock } from './stock-read.js';
import { uninstallApp } from './revoke.js';
import { ThrottleStatusBoard, type ShopifyThrottleStatus } from './throttle.js';
import { exchangeCode, refreshAccessToken } from './token.js';
import { fetchShopifyWebhookResource, parseShopifyWebhook } from './webhooks.js';

export interface ShopifyConnectorOptions {
  /** Products per import page, 1 to 250; 100 when not given. */
  importPageSize?: number;
  /** Read mode of an import that starts from a null checkpoint: cursor pages or one bulk operation; default 'pages'. */
  fullImport?: 'pages' | 'bulk';
  bulk?: BulkImportOptions;
  /** Called after every marketplace response, for usage metering. */
  onResponse?: HttpResponseHook;
  /** Called with each cost bucket status a GraphQL response reports. */
  onThrottleStatus?: (shopDomain: string, status: ShopifyThrottleStatus) => void;
  /** Logger for calls made outside a session (code exchange, token refresh). */
  logger?: Logger;
  /** Clock for the OAuth callback's timestamp check, in epoch milliseconds. */
  now?: () => number;
  /** Retries and circuit breakers of session calls; the process-wide default policy when not given. */
  resilience?: ResiliencePolicy;
}

/** The Shopify connector, with the cost bucket status a rate limiter can read. */
export interface ShopifyConnector extends MarketplaceConnector {
  /** The cost bucket of this app on the shop as the last GraphQL response reported it. */
  lastThrottleStatus(shopDomain: string): ShopifyThrottleStatus | undefined;
}

const checkpointSchema = z.discriminatedUnion('mode', [pagesCheckpointSchema, bulkCheckpointSchema]);

/** Builds the Shopify implementation of the connector contract used by the sync services. */
export function createShopifyConnector(config: ShopifyConfig, options: ShopifyConnectorOptions = {}): ShopifyConnector {
  const throttle = new ThrottleStatusBoard(options.onThrottleStatus);
  const primaryLocations = new Map<string, string>();
  const secrets = config.previousClientSecret ? [config.clientSecret, config.previousClientSecret] : [config.clientSecret];
  const tokenOptions = { logger: options.logger, onResponse: options.onResponse, throttle, resilience: options.resilience };

  const clientFor = (session: ConnectorSession): ShopifyGraphqlClient => {
    const shop = parseShopDomain(session.metadata?.shopDomain ?? session.accountId);
    if (!shop.ok) throw new InvalidShopDomainError(shop);
    return new ShopifyGraphqlClient({
      config,
      shopDomain: shop.shopDomain,
      tokenSource: session.tokens,
      logger: session.logger,
      onApiCall: session.onApiCall,
      onResponse: options.onResponse,
      throttle,
      connectionId: session.connectionId,
      traffic: session.traffic,
      resilience: options.resilience,
    });
  };

  // The stored location, or the shop's primary location, looked up once per connector.
  const locationFor = async (session: ConnectorSession, client: ShopifyGraphqlClient): Promise<string> => {
    const stored = gidSchema('Location').safeParse(session.metadata?.locationId);
    if (stored.success) return stored.data;
    const known = primaryLocations.get(client.shopDomain);
    if (known) return known;
    const { location } = await client.request(PRIMARY_LOCATION);
    if (!location) {
      throw new MarketplaceError('SHOPIFY', `Shop ${client.shopDomain} has no primary location, so there is no stock to sync; the merchant must add a location.`, {
        kind: 'not_found',
        code: 'location_not_found',
      });
    }
    primaryLocations.set(client.shopDomain, location.id);
    return location.id;
  };

  return {
    marketplace: 'SHOPIFY',
    usesPkce: false,
    redirectUri: config.redirectUri,
    stockWriteBatch: { unit: 'listing', size: STOCK_BATCH_MAX },

    authorizationUrl({ state, shopDomain }) {
      return buildAuthorizationUrl(config, { state, shopDomain });
    },

    readCallback(query) {
      return readCallback(config, query, options.now?.() ?? Date.now());
    },

    exchangeCode({ code, shopDomain, traffic }) {
      return exchangeCode(config, { code, shopDomain }, { ...tokenOptions, traffic });
    },

    refreshTokens(refreshToken, metadata, callOptions) {
      return refreshAccessToken(config, refreshToken, metadata, { ...tokenOptions, traffic: callOptions?.traffic });
    },

    revokeAuthorization: (session) => uninstallApp(config, session, options.onResponse),

    async importListings(session, checkpoint: ImportCheckpoint | null) {
      const state = checkpoint === null ? null : checkpointSchema.safeParse(checkpoint);
      if (state !== null && !state.success) throw invalidCheckpointError();
      const client = clientFor(session);
      const locationId = await locationFor(session, client);
      const mode = state?.data.mode ?? options.fullImport ?? 'pages';
      if (mode === 'bulk') {
        const bulkState = state?.data.mode === 'bulk' ? state.data : null;
        return importWithBulkOperation(client, locationId, bulkState, options.bulk);
      }
      const pagesState = state?.data.mode === 'pages' ? state.data : null;
      return importPage(client, locationId, pagesState, options.importPageSize);
    },

    async writeStock(session, changes) {
      const client = clientFor(session);
      return writeStock(client, changes, { locationId: await locationFor(session, client) });
    },

    async readStock(session, refs) {
      if (refs.length === 0) return { levels: [], missing: [] };
      const client = clientFor(session);
      return readStock(client, refs, await locationFor(session, client));
    },

    parseWebhook(webhook) {
      return parseShopifyWebhook(webhook, secrets);
    },

    fetchWebhookResource(session, webhook) {
      const client = clientFor(session);
      return fetchShopifyWebhookResource(client, () => locationFor(session, client), webhook);
    },

    lastThrottleStatus(shopDomain) {
      return throttle.get(shopDomain);
    },
  };
}
