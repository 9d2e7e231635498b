import type { MarketplaceConnector, RemoteListing, StockChange, StockRef } from '../../src/connectors/shared/index.js';
import type { Marketplace } from '../../src/connectors/shared/types.js';
import { createMercadoLibreDriver } from './drivers/mercadolibre.js';
import { createSheinDriver } from './drivers/shein.js';
import { createShopifyDriver } from './drivers/shopify.js';
import { createTikTokDriver } from './drivers/tiktok.js';
import type { WebhookReceiver } from './webhook-receiver.js';

/** One size of a footwear model: one variation (variant, SKU) on every marketplace. */
export interface FootwearSize {
  size: string;
  /** Seller SKU on the marketplace, which is the EGDC SKU. */
  sku: string;
  quantity: number;
}

/** One footwear model: one product (item, SPU) on every marketplace, with one variation per size. */
export interface FootwearModel {
  title: string;
  color: string;
  price: number;
  sizes: FootwearSize[];
}

/**
 * What a marketplace can do at all. A case that needs a capability the marketplace lacks is
 * skipped for it, with the reason in the test name.
 */
export interface DriverCapabilities {
  /** The authorization redirect carries a signature, so a changed query can be detected. */
  signedCallback: boolean;
  /** Webhooks carry a signature over the body that the connector checks. */
  signedWebhooks: boolean;
  /** Access is renewed with a refresh token. False when the seller must authorize again instead. */
  refreshTokens: boolean;
}

/**
 * Drives one marketplace's local sandbox for the connector contract suite. Every method acts on
 * the single account that `seed` creates. `start` must run first, `close` last.
 */
export interface MarketplaceDriver {
  readonly name: string;
  readonly marketplace: Marketplace;
  readonly capabilities: DriverCapabilities;
  /** Format of the access tokens the marketplace issues. */
  readonly accessTokenPattern: RegExp;
  /** Topic that `parseWebhook` returns for a new order. */
  readonly orderTopic: string;
  /** Topic that `parseWebhook` returns for a stock edit the seller made on the marketplace. */
  readonly stockEditTopic: string;
  /** Secrets of the registered app, none of which may appear in `TokenSet.metadata`. */
  readonly appSecrets: readonly string[];
  /** Receiver of the sandbox's webhooks, set by `start`. */
  readonly webhooks: WebhookReceiver;

  /** Starts the webhook receiver, then the sandbox with an app that sends its webhooks there. */
  start(): Promise<void>;
  close(): Promise<void>;
  /** The connector under test, pointed at the sandbox. */
  connector(): MarketplaceConnector;
  /** Creates the account with one product per model and one variation per size. */
  seed(models: readonly FootwearModel[]): void;
  /** Account id that `exchangeCode` must return for the seeded account. */
  accountId(): string;
  /** Shop domain for `authorizationUrl`, for marketplaces whose consent page lives on the shop. */
  shopDomain(): string | undefined;
  /** Form fields that pick the seeded account on the sandbox's consent page. */
  consentSelection(): Record<string, string>;
  /**
   * Issues a code as if the seller had approved the app on the consent page, and returns the query
   * of the redirect back to the app as the marketplace builds it.
   */
  issueCallback(input: { state: string; codeChallenge?: string }): Record<string, string>;
  /** Returns the raw body with one value changed, as an attacker would change it. */
  tamperWebhookBody(rawBody: string): string;
  /** Number of HTTP requests the sandbox has received so far. */
  requestCount(): number;
  /** Maximum number of listing ids (items, variants, products or SKU codes, as the marketplace batches them) in one readStock request. */
  readonly stockReadBatchSize: number;
  /** Number of listing ids in each stock read request the sandbox received from request index `since` on. */
  stockReadRequestSizes(since: number): number[];
  /** Refs the marketplace does not have: one to an unknown item, one to an unknown variation of `listing`'s item. */
  unknownStockRefs(listing: RemoteListing): StockRef[];
  /** Makes the next stock read of `listing` get a 200 response with one broken field, and returns that field's path. */
  injectMalformedStockRead(listing: RemoteListing): string;
  /** Current sellable quantity of a seller SKU, read from the sandbox's own store. */
  readStock(sku: string): number;
  /** Changes the stock of a SKU as the seller would on the marketplace, which sends a webhook. */
  setStockManually(sku: string, quantity: number): void;
  /** Records a sale of one SKU, which sends an order webhook, and returns the marketplace's order id. */
  createOrder(sku: string, quantity: number): string;
  /** Makes the account's access tokens expired now. */
  expireTokens(): void;
  /** Removes the seller's authorization of the app, which kills its tokens. */
  revokeAuthorization(): void;
  /** Makes the next API call fail with the marketplace's rate limit response. */
  forceThrottle(): void;
  /** Makes the next API call fail with this HTTP status and the marketplace's error body. */
  injectStatus(status: number): void;
  /** Makes the first call of `importListings` get a 200 response with one broken field, and returns that field's path. */
  injectMalformedImport(): string;
  /**
   * Arranges the sandbox so that the marketplace rejects a stock change of `listing`, and returns
   * that change. The suite sends it first in its writeStock call, before changes of other products.
   */
  rejectStockChange(listing: RemoteListing, quantity: number): StockChange;
  /** Resolves once every webhook the sandbox queued was delivered or given up. */
  flushWebhooks(): Promise<void>;
  /** Removes injected faults and restores the rate limits the driver started with. */
  resetFaults(): void;
}

/** Creates one driver for every marketplace the contract suite runs against. */
export function createDrivers(): MarketplaceDriver[] {
  return [createMercadoLibreDriver(), createShopifyDriver(), createTikTokDriver(), createSheinDriver()];
}
