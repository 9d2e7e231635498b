import type { ConnectorSession, IncomingWebhook, MarketplaceConnector, ParsedWebhook, WebhookResource } from '../shared/contract.js';
import type { HttpResponseHook } from '../shared/http.js';
import type { ResiliencePolicy } from '../shared/resilience/index.js';
import { buildAuthorizationUrl, exchangeCode, fetchCurrentUser, refreshToken } from './auth.js';
import { MercadoLibreClient } from './client.js';
import type { MercadoLibreConfig } from './config.js';
import { importPage } from './listings.js';
import { fetchNotificationResource, safeParseNotification } from './notifications.js';
import { writeStock } from './stock.js';
import { readStock } from './stock-read.js';
import { revokeSellerAuthorization } from './revoke.js';

export interface MercadoLibreConnectorOptions {
  /** Item ids per search page during imports, 1 to 100; 50 when not given. */
  importPageSize?: number;
  /** Called after every marketplace response, for usage metering. */
  onResponse?: HttpResponseHook;
  /** Retries and circuit breakers of session calls; the process-wide default policy when not given. */
  resilience?: ResiliencePolicy;
}

/** Builds the MercadoLibre implementation of the connector contract used by the sync services. */
export function createMercadoLibreConnector(config: MercadoLibreConfig, options: MercadoLibreConnectorOptions = {}): MarketplaceConnector {
  const clientFor = (session: ConnectorSession): MercadoLibreClient =>
    new MercadoLibreClient({
      config,
      tokenSource: session.tokens,
      logger: session.logger,
      onApiCall: session.onApiCall,
      onResponse: options.onResponse,
      connectionId: session.connectionId,
      traffic: session.traffic,
      resilience: options.resilience,
    });

  return {
    marketplace: 'MERCADOLIBRE',
    usesPkce: true,
    redirectUri: config.redirectUri,
    // One GET and one PUT /items/{id} per item, carrying all of its variations.
    stockWriteBatch: { unit: 'item', size: 1 },

    authorizationUrl({ state, codeChallenge }) {
      if (!codeChallenge) {
        throw new TypeError('MercadoLibre authorization needs a PKCE code challenge; create one with createPkcePair().');
      }
      return buildAuthorizationUrl({ config, state, codeChallenge });
    },

    async exchangeCode({ code, codeVerifier, traffic }) {
      if (!codeVerifier) {
        throw new TypeError('MercadoLibre code exchange needs the PKCE code verifier stored with the authorization state.');
      }
      const tokens = await exchangeCode(config, { code, codeVerifier }, { onResponse: options.onResponse, resilience: options.resilience, traffic });
      // The token response names no seller; the nickname is what merchants recognise their account by.
      const client = new MercadoLibreClient({
        config,
        tokenSource: { getAccessToken: async () => tokens.accessToken },
        onResponse: options.onResponse,
        resilience: options.resilience,
        traffic,
      });
      const user = await fetchCurrentUser(client);
      return { ...tokens, accountName: user.nickname ?? null };
    },

    refreshTokens(refreshTokenValue, _metadata, callOptions) {
      return refreshToken(config, refreshTokenValue, { onResponse: options.onResponse, resilience: options.resilience, traffic: callOptions?.traffic });
    },

    revokeAuthorization: (session) => revokeSellerAuthorization(config, session, options.onResponse),

    importListings(session, checkpoint) {
      return importPage(clientFor(session), session.accountId, checkpoint, { pageSize: options.importPageSize });
    },

    writeStock(session, changes) {
      return writeStock(clientFor(session), changes);
    },

    readStock(session, refs) {
      return readStock(clientFor(session), refs);
    },

    parseWebhook(webhook: IncomingWebhook): ParsedWebhook {
      let body: unknown;
      try {
        body = JSON.parse(webhook.rawBody);
      } catch {
        return { ok: false, reason: 'body is not valid JSON' };
      }
      const parsed = safeParseNotification(body);
      if (!parsed.ok) {
        return { ok: false, reason: parsed.reason };
      }
      const { notification } = parsed;
      return {
        ok: true,
        accountId: notification.userId,
        dedupeKey: notification.dedupeKey,
        topic: notification.topic,
        resource: notification.resource,
        // MercadoLibre signs nothing; the resource is fetched with the seller's token instead.
        verification: 'unsigned',
      };
    },

    async fetchWebhookResource(session, webhook): Promise<WebhookResource> {
      if (webhook.resource === null) {
        return { kind: 'ignored', topic: webhook.topic };
      }
      const resource = await fetchNotificationResource(clientFor(session), { topic: webhook.topic, resource: webhook.resource });
      switch (resource.kind) {
        case 'order':
          return resource;
        case 'item':
          return { kind: 'listings', listings: resource.listings };
        case 'ignored':
          session.logger.debug({ topic: resource.topic, reason: resource.reason }, 'MercadoLibre notification ignored');
          return { kind: 'ignored', topic: resource.topic };
      }
    },
  };
}
