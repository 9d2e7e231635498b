import type { MarketplaceError } from './errors.js';

/** Marketplaces that have a connector. The values match the `marketplace` column of our entities. */
export type Marketplace = 'MERCADOLIBRE' | 'SHOPIFY' | 'TIKTOK' | 'SHEIN';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One sellable unit (one size of one model, for footwear) as a marketplace reports it. */
export interface RemoteListing {
  marketplace: Marketplace;
  /** Item or product id on the marketplace. */
  externalId: string;
  /** Variation or variant id; null when the item has no variations. */
  externalVariantId: string | null;
  sellerSku: string | null;
  title: string;
  price: number | null;
  /** ISO 4217 code, e.g. MXN. */
  currency: string | null;
  availableQuantity: number;
  /** Marketplace status as reported (e.g. active, paused, closed). */
  status: string;
  size: string | null;
  color: string | null;
  gtin: string | null;
  updatedAt: Date | null;
  /**
   * Marketplace id that a stock write needs besides the listing ids (for Shopify, the variant's
   * InventoryItem gid). Null when the marketplace needs none or the listing cannot take a direct
   * write. Sources that do not know it leave it undefined, so the stored handle is kept.
   */
  stockHandle?: string | null;
}

/**
 * Position of an import between two pages. Opaque to callers: store it as JSON and pass it back
 * unchanged to continue. Each connector validates the checkpoints it receives.
 */
export type ImportCheckpoint = { [key: string]: JsonValue };

export interface ImportPage {
  listings: RemoteListing[];
  /** Checkpoint for the next page, or null when the import is complete. */
  checkpoint: ImportCheckpoint | null;
}

/** New absolute available quantity for one listing. */
export interface StockChange {
  externalId: string;
  externalVariantId: string | null;
  quantity: number;
  /** The listing's `RemoteListing.stockHandle`, when known. */
  stockHandle?: string | null;
  /**
   * The level we last knew the marketplace to have. Connectors with compare and set (Shopify) send
   * it as the expected level together with `stockHandle`, instead of reading the level first.
   */
  expectedQuantity?: number | null;
}

export interface StockWriteResult {
  applied: StockChange[];
  failed: Array<{ change: StockChange; error: MarketplaceError }>;
}

/** Names one listing whose stock is read: an item or product, and its variation when it has them. */
export interface StockRef {
  externalId: string;
  externalVariantId: string | null;
}

/** Current available quantity of one listing, as the marketplace reports it. */
export interface StockLevel extends StockRef {
  quantity: number;
}

export interface StockReadResult {
  /** One level per distinct ref found, in the order of the refs. */
  levels: StockLevel[];
  /** Refs the marketplace no longer has (deleted item, removed variation, unknown id). */
  missing: StockRef[];
}

export interface RemoteOrderLine {
  externalId: string;
  externalVariantId: string | null;
  sellerSku: string | null;
  quantity: number;
}

export interface RemoteOrder {
  externalId: string;
  status: string;
  createdAt: Date;
  lines: RemoteOrderLine[];
}

export interface TokenSet {
  accessToken: string;
  refreshToken: string | null;
  /** When the access token stops working; null when the marketplace issues non-expiring tokens. */
  expiresAt: Date | null;
  scopes: string[];
  /** Seller or shop id on the marketplace. */
  accountId: string;
  /** Display name of the account (seller nickname, shop name), when the marketplace returns one. */
  accountName?: string | null;
  /** Expiry of the refresh token or of the authorization itself, when the marketplace returns one. */
  refreshTokenExpiresAt?: Date | null;
  /** Non-secret data the connector needs later, stored with the connection (shop cipher, API host). */
  metadata?: Record<string, JsonValue>;
}

/** Supplies a valid access token for one connection. Refreshing and storing tokens is the caller's job. */
export interface AccessTokenSource {
  getAccessToken(): Promise<string>;
  /**
   * Refreshes after the marketplace returned 401 for `rejectedToken`, unless another caller already
   * replaced that token, and returns the token to retry with. Called once per call. Sources that
   * cannot refresh leave it out, and the 401 is final.
   */
  renewAfterUnauthorized?(rejectedToken: string): Promise<string>;
}
