import type { ConnectorSession, MarketplaceConnector, WebhookResource } from '../shared/contract.js';
import type { HttpResponseHook } from '../shared/http.js';
import type { ResiliencePolicy } from '../shared/resilience/index.js';
import { verifySellerKeys } from './api-key.js';
import { buildEmpowerUrl, exchangeTempToken, readEmpowerCallback, refreshNotSupportedError } from './auth.js';
import { openKeyIdFrom, SheinClient } from './client.js';
import type { SheinConfig } from './config.js';
import { fetchListings, importPage } from './listings.js';
import { fetchOrder } from './orders.js';
import { CHANGE_INVENTORY_MAX_ROWS, writeStock } from './stock.js';
import { readStock } from './stock-read.js';
import { parseSheinWebhook } from './webhooks.js';

export interface SheinConnectorOptions {
  /** SPUs per product query page during imports, 1 to 50; 50 when not given. */
  importPageSize?: number;
  /** Called after every marketplace response, for usage metering. */
  onResponse?: HttpResponseHook;
  /** Retries and circuit breakers of session calls; the process-wide default policy when not given. */
  resilience?: ResiliencePolicy;
}

/**
 * Builds the SHEIN implementation of the connector contract. Authorization is SHEIN's empower flow
 * (no OAuth2, no PKCE): the callback's tempToken is the code, and the session's access token is the
 * seller's decrypted secret key, with the openKeyId in the connection metadata.
 */
export function createSheinConnector(config: SheinConfig, options: SheinConnectorOptions = {}): MarketplaceConnector {
  const clientFor = (session: ConnectorSession): SheinClient =>
    new SheinClient({
      config,
      openKeyId: openKeyIdFrom(session.metadata, session.accountId),
      tokenSource: session.tokens,
      logger: session.logger,
      onApiCall: session.onApiCall,
      onResponse: options.onResponse,
      connectionId: session.connectionId,
      traffic: session.traffic,
      resilience: options.resilience,
    });

  return {
    marketplace: 'SHEIN',
    usesPkce: false,
    redirectUri: config.redirectUri,
    stockWriteBatch: { unit: 'listing', size: CHANGE_INVENTORY_MAX_ROWS },

    authorizationUrl({ state }) {
      return buildEmpowerUrl(config, state);
    },

    readCallback(query) {
      return readEmpowerCallback(config, query);
    },

    exchangeCode({ code, traffic }) {
      return exchangeTempToken(config, code, { onResponse: options.onResponse, resilience: options.resilience, traffic });
    },

    refreshTokens() {
      return Promise.reject(refreshNotSupportedError());
    },

    connectWithApiKey: (credentials) => verifySellerKeys(config, credentials, { onResponse: options.onResponse, resilience: options.resilience }),

    async importListings(session, checkpoint) {
      return importPage(clientFor(session), checkpoint, { pageSize: options.importPageSize });
    },

    async writeStock(session, changes) {
      return writeStock(clientFor(session), changes, { warehouseCode: config.warehouseCode });
    },

    readStock(session, refs) {
      return readStock(clientFor(session), refs);
    },

    parseWebhook(webhook) {
      return parseSheinWebhook(config, webhook);
    },

    async fetchWebhookResource(session, webhook): Promise<WebhookResource> {
      if (webhook.resource === null) {
        return { kind: 'ignored', topic: webhook.topic };
      }
      switch (webhook.topic) {
        case 'order':
          return { kind: 'order', order: await fetchOrder(clientFor(session), webhook.resource) };
        case 'stock':
        case 'product_audit':
          return { kind: 'listings', listings: await fetchListings(clientFor(session), [webhook.resource]) };
        default:
          session.logger.debug({ topic: webhook.topic }, 'SHEIN event ignored');
          return { kind: 'ignored', topic: webhook.topic };
      }
    },
  };
}
