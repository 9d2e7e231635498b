import type { Logger } from 'pino';
import type { TokenCallOptions } from './token-call.js';
import type { TrafficControl } from './traffic.js';
import type { AccessTokenSource, ImportCheckpoint, ImportPage, JsonValue, Marketplace, RemoteListing, RemoteOrder, StockChange, StockReadResult, StockRef, StockWriteResult, TokenSet } from './types.js';

/** Context a connector needs to act for one connected account. */
export interface ConnectorSession {
  /** Seller or shop id on the marketplace. */
  accountId: string;
  /** Our id of the connection; keys its circuit breaker. Sessions built before a connection exists leave it out. */
  connectionId?: string;
  /**
   * Data the connector returned in `TokenSet.metadata` when the account was connected, such as the
   * Shopify shop domain, TikTok's shop cipher or Shein's open key id.
   */
  metadata?: Record<string, JsonValue>;
  tokens: AccessTokenSource;
  logger: Logger;
  /** Called once per HTTP request sent to the marketplace, for the sync run's API call count. */
  onApiCall?: () => void;
  /** Rate limits and usage for this connection's calls; calls go out unmetered when absent. */
  traffic?: TrafficControl;
}

/** A webhook request as received, with the body as raw text so signatures can be checked on it. */
export interface IncomingWebhook {
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
}

/** Result of reading a webhook: expected failures are values with a reason, not exceptions. */
export type ParsedWebhook =
  | {
      ok: true;
      /** Account the notification is about, to route it to its connection. */
      accountId: string;
      /** Same value for every redelivery of one notification. */
      dedupeKey: string;
      topic: string;
      resource: string | null;
      /** `verified`, or `unsigned` for marketplaces that sign nothing (MercadoLibre). */
      verification: 'verified' | 'unsigned';
    }
  | { ok: false; reason: string };

/** Reason a marketplace's redirect back to us cannot complete an authorization. */
export type CallbackFailure = 'access_denied' | 'code_missing' | 'signature_invalid' | 'shop_invalid';

/** The authorization redirect's query, read and verified before any state is consumed. */
export type CallbackResult =
  | { ok: true; code: string; shopDomain?: string }
  | { ok: false; reason: CallbackFailure; detail?: string };

/** Keys a seller copies from a marketplace's seller portal instead of authorizing the application. */
export interface ApiKeyCredentials {
  /** Public key id, such as SHEIN's openKeyId. */
  keyId: string;
  /** Secret that signs the requests, such as SHEIN's secretKey. */
  secret: string;
  /** Seller id on the marketplace that the keys belong to, such as SHEIN's supplierId. */
  accountId: string;
}

/** Resource a webhook points at, fetched from the marketplace with the account's token. */
export type WebhookResource =
  | { kind: 'order'; order: RemoteOrder }
  | { kind: 'listings'; listings: RemoteListing[] }
  | { kind: 'ignored'; topic: string };

/**
 * Request packing of a connector's `writeStock`. `listing`: up to `size` listings per request,
 * whatever item they belong to. `item`: `size` items per request, each with all of its listings
 * (variations), because the marketplace's stock call is per item or product.
 */
export interface StockWriteBatch {
  unit: 'listing' | 'item';
  size: number;
}

/** The operations every marketplace connector offers; the sync services use nothing else. */
export interface MarketplaceConnector {
  readonly marketplace: Marketplace;
  /** Whether authorization uses PKCE, so the caller stores a code verifier with the state. */
  readonly usesPkce: boolean;
  /** Redirect URI registered with the marketplace app; bound to each authorization state. */
  readonly redirectUri: string;
  /** Request packing of `writeStock`; the stock push sends pages that fill every request but the last. */
  readonly stockWriteBatch: StockWriteBatch;
  /** `shopDomain` is required by marketplaces whose authorization page lives on the shop (Shopify). */
  authorizationUrl(input: { state: string; codeChallenge?: string; shopDomain?: string }): string;
  /**
   * Reads the redirect's query: the code (Shein calls it `tempToken`), a denial, and for Shopify the
   * shop and the HMAC signature. Connectors without it use the `code` and `error` parameters.
   */
  readCallback?(query: Record<string, string>): CallbackResult;
  /**
   * Trades the authorization code for tokens. `traffic` meters the token request (endpoint class
   * `oauth.token`) and any account read that follows it. The token request is retried only after a
   * 429 or a connection that was refused, because the code may already be spent otherwise.
   */
  exchangeCode(input: { code: string; codeVerifier?: string; shopDomain?: string; traffic?: TrafficControl }): Promise<TokenSet>;
  /**
   * `metadata` is the connection's stored `TokenSet.metadata` (Shopify refreshes on the shop's host).
   * `options.traffic` meters the token request (endpoint class `oauth.token`).
   */
  refreshTokens(refreshToken: string, metadata?: Record<string, JsonValue>, options?: TokenCallOptions): Promise<TokenSet>;
  /**
   * Checks keys a seller copied from the marketplace's seller portal with one harmless signed call
   * and returns them as a token set to store. Only marketplaces that issue such keys have it.
   * Throws a MarketplaceError (kind 'auth' when the marketplace rejects the keys).
   */
  connectWithApiKey?(credentials: ApiKeyCredentials): Promise<TokenSet>;
  /**
   * Asks the marketplace to remove this application's authorization for the account, which
   * invalidates its tokens. Only marketplaces that document such a call have it.
   * Throws a MarketplaceError when the marketplace does not confirm.
   */
  revokeAuthorization?(session: ConnectorSession): Promise<void>;
  importListings(session: ConnectorSession, checkpoint: ImportCheckpoint | null): Promise<ImportPage>;
  writeStock(session: ConnectorSession, changes: StockChange[]): Promise<StockWriteResult>;
  /**
   * Reads the current available quantity of listings, in the marketplace's batch size and without
   * pacing. A ref the marketplace no longer has goes to `missing`; an empty list sends no request.
   * Throws a MarketplaceError when a request fails.
   */
  readStock(session: ConnectorSession, refs: StockRef[]): Promise<StockReadResult>;
  parseWebhook(webhook: IncomingWebhook): ParsedWebhook;
  fetchWebhookResource(session: ConnectorSession, webhook: Extract<ParsedWebhook, { ok: true }>): Promise<WebhookResource>;
}
