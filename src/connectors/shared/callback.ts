import type { CallbackResult, MarketplaceConnector } from './contract.js';

/**
 * Reads an authorization redirect's query with the connector's own reader, or as OAuth 2.0 defines
 * it (`code`, or `error` when the merchant declined) for connectors that have none.
 */
export function readAuthorizationCallback(connector: MarketplaceConnector | undefined, query: Record<string, string>): CallbackResult {
  if (connector?.readCallback) return connector.readCallback(query);
  if (query.error) return { ok: false, reason: 'access_denied', detail: query.error };
  if (!query.code) return { ok: false, reason: 'code_missing' };
  return { ok: true, code: query.code };
}
