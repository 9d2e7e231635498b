import type { Logger } from 'pino';
import type { AccessTokenSource, ImportCheckpoint, ImportPage, Marketplace, RemoteListing, RemoteOrder, StockChange, StockWriteResult, TokenSet } from './types.js';

/** What a connector needs to act for one connected account. */
export interface ConnectorSession {
  /** Seller or shop id on the marketplace. */
  accountId: string;
  tokens: AccessTokenSource;
  logger: Logger;
  /** Called once per HTTP request sent to the marketplace, for the sync run's API call count. */
  onApiCall?: () => void;
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

/** What a webhook points at, fetched from the marketplace with the account's token. */
export type WebhookResource =
  | { kind: 'order'; order: RemoteOrder }
  | { kind: 'listings'; listings: RemoteListing[] }
  | { kind: 'ignored'; topic: string };

/** The operations every marketplace connector offers; the sync services use nothing else. */
export interface MarketplaceConnector {
  readonly marketplace: Marketplace;
  /** Whether authorization uses PKCE, so the caller stores a code verifier with the state. */
  readonly usesPkce: boolean;
  /** Redirect URI registered with the marketplace app; bound to each authorization state. */
  readonly redirectUri: string;
  authorizationUrl(input: { state: string; codeChallenge?: string }): string;
  exchangeCode(input: { code: string; codeVerifier?: string }): Promise<TokenSet>;
  refreshTokens(refreshToken: string): Promise<TokenSet>;
  importListings(session: ConnectorSession, checkpoint: ImportCheckpoint | null): Promise<ImportPage>;
  writeStock(session: ConnectorSession, changes: StockChange[]): Promise<StockWriteResult>;
  parseWebhook(webhook: IncomingWebhook): ParsedWebhook;
  fetchWebhookResource(session: ConnectorSession, webhook: Extract<ParsedWebhook, { ok: true }>): Promise<WebhookResource>;
}
