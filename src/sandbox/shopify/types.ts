import type { RecordedRequest } from '../shared/recorder.js';
import type { FaultRule } from '../shared/faults.js';
import type { Logger } from 'pino';

/** Webhook topics the sandbox sends. */
export type WebhookTopic = 'orders/create' | 'orders/cancelled' | 'inventory_levels/update' | 'products/update' | 'app/uninstalled';

export const WEBHOOK_TOPICS: readonly WebhookTopic[] = ['orders/create', 'orders/cancelled', 'inventory_levels/update', 'products/update', 'app/uninstalled'];

/** An app registered in the sandbox, as in the Partner Dashboard. */
export interface SandboxAppConfig {
  clientId: string;
  clientSecret: string;
  /** Allowed redirection URLs; the authorize request must use one of them exactly. */
  redirectUris: string[];
  /** Name shown on the consent page; defaults to the client id. */
  name?: string;
  /** URL that receives the subscribed webhooks (POST) of shops that installed the app. */
  webhookUrl?: string;
  /** Subscribed topics; all five when not given. */
  webhookTopics?: WebhookTopic[];
  /** Value of X-Shopify-API-Version on webhooks; default 2026-04. */
  webhookApiVersion?: string;
}

/** Shopify plans and their GraphQL restore rates: 100, 200, 1000 and 2000 points per second. */
export type ShopPlan = 'standard' | 'advanced' | 'plus' | 'enterprise';

export interface ThrottleSettings {
  /** Points restored per second; overrides the plan's rate. */
  restoreRate?: number;
  /** Bucket size in points; 20 times the restore rate when not given. */
  maximumAvailable?: number;
}

export interface ShopifySandboxOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0, which picks a free port. */
  port?: number;
  apps?: SandboxAppConfig[];
  /** Lifetime of expiring access tokens in seconds; default 3600. */
  accessTokenTtlSeconds?: number;
  /** Lifetime of refresh tokens in seconds; default 7 776 000 (90 days). */
  refreshTokenTtlSeconds?: number;
  /** Bucket settings for every shop, overriding the plans. */
  throttle?: ThrottleSettings;
  /** Delivery attempts per webhook, the first included; default 9 (Shopify retries 8 times). */
  webhookMaxAttempts?: number;
  /** Pause between webhook attempts; default 1000 ms (Shopify backs off over 4 hours). */
  webhookRetryDelayMs?: number;
  /** Time a bulk operation stays RUNNING before it completes; default 0 ms. */
  bulkOperationDelayMs?: number;
  logger?: Logger;
}

export interface SeedVariant {
  sku: string;
  /** Value of the size option (named `Talla` unless the product sets `sizeOptionName`). */
  size: string;
  color?: string;
  barcode?: string;
  price: number;
  /** `available` quantity at the shop's first location. */
  available: number;
}

export type ProductStatus = 'ACTIVE' | 'DRAFT' | 'ARCHIVED';

/** One footwear model: one variant per size, variant SKU = EGDC SKU. */
export interface SeedProduct {
  title: string;
  vendor?: string;
  productType?: string;
  status?: ProductStatus;
  /** Name of the size option; default `Talla`. */
  sizeOptionName?: string;
  variants: SeedVariant[];
}

export interface SeedShopInput {
  /** `<name>.myshopify.com`. */
  shopDomain: string;
  name?: string;
  /** Default MXN. */
  currencyCode?: string;
  /** Default standard (100 points per second). */
  plan?: ShopPlan;
  /** Location names; the first is the primary location. Default one, "Tienda principal". */
  locations?: string[];
  products: SeedProduct[];
}

export interface SeededProduct {
  productId: string;
  variantIds: string[];
  inventoryItemIds: string[];
}

export interface SeededShop {
  shopDomain: string;
  /** Location global ids; the first is the primary location. */
  locationIds: string[];
  products: SeededProduct[];
}

export type { RecordedRequest };

export type { FaultRule };

/** One change of an inventory quantity, as the sandbox applied it. */
export interface InventoryChangeRecord {
  inventoryItemId: string;
  locationId: string;
  name: 'available' | 'on_hand' | 'committed';
  delta: number;
  quantityAfterChange: number;
  reason: string;
  /** `api` for inventorySetQuantities, `order` and `cancel` for orders, `manual` for setAvailable. */
  source: 'api' | 'order' | 'cancel' | 'manual';
  idempotencyKey?: string;
  at: number;
}

export interface CreateOrderInput {
  shopDomain: string;
  lines: Array<{ variantId: string; quantity: number }>;
  /** Default PAID. */
  financialStatus?: 'PAID' | 'PENDING';
}

export interface SandboxOrderLine {
  id: string;
  variantId: string;
  productId: string;
  sku: string | null;
  title: string;
  quantity: number;
  price: string;
}

export interface SandboxOrder {
  id: string;
  /** Order name shown to the merchant, such as #1001. */
  name: string;
  shopDomain: string;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  financialStatus: 'PAID' | 'PENDING' | 'REFUNDED';
  currencyCode: string;
  lines: SandboxOrderLine[];
}

export interface IssueAuthorizationCodeInput {
  clientId: string;
  shopDomain: string;
  redirectUri: string;
  /** Granted scopes; every scope the sandbox supports when not given. */
  scopes?: string[];
  state?: string;
}

/** A code as if the merchant had approved the install, with the signed redirect query. */
export interface IssuedAuthorizationCode {
  code: string;
  /** Query of the redirect: code, hmac, host, shop, state (when given) and timestamp. */
  callbackQuery: Record<string, string>;
  callbackUrl: string;
}

/** One webhook delivery attempt; `status` is the receiver's HTTP status or 'error'. */
export interface WebhookAttempt {
  topic: WebhookTopic;
  shopDomain: string;
  url: string;
  eventId: string;
  webhookId: string;
  headers: Record<string, string>;
  rawBody: string;
  attempt: number;
  status: number | 'error';
}

export interface ShopifySandbox {
  /** Base URL of the server; shops live under `/shops/{shopDomain}` (see endpointForShop). */
  readonly url: string;
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Every inventory quantity change, in order. */
  readonly inventoryChanges: InventoryChangeRecord[];
  /** Admin base URL of a shop in the sandbox: `{url}/shops/{shopDomain}`. */
  endpointForShop(shopDomain: string): string;
  addApp(app: SandboxAppConfig): void;
  seedShop(input: SeedShopInput): SeededShop;
  /** Current `available` quantity of a variant at a location (the primary one when not given). */
  getAvailable(variantId: string, locationId?: string): number | undefined;
  getOrder(orderId: string): SandboxOrder | undefined;
  /** A merchant's stock edit in the admin: sends inventory_levels/update and products/update. */
  setAvailable(variantId: string, quantity: number, locationId?: string): void;
  /** A sale: takes `available` stock and sends orders/create and inventory_levels/update. */
  createOrder(input: CreateOrderInput): SandboxOrder;
  /** Cancels an order, restocking its units, and sends orders/cancelled and inventory_levels/update. */
  cancelOrder(orderId: string): SandboxOrder;
  /** Issues a code as if the merchant had clicked "Instalar", for tests that skip the HTML page. */
  issueAuthorizationCode(input: IssueAuthorizationCodeInput): IssuedAuthorizationCode;
  /** Makes expiring access tokens (of one shop, or all) expired now; non-expiring tokens are untouched. */
  expireAccessTokens(shopDomain?: string): void;
  /** Revokes every token of one app (or every app) on a shop, without a webhook. */
  revokeAuthorization(shopDomain: string, clientId?: string): void;
  /** Uninstalls an app: revokes its tokens and sends app/uninstalled. */
  uninstallApp(shopDomain: string, clientId: string): void;
  injectFault(rule: FaultRule): void;
  clearFaults(): void;
  /** Changes the bucket settings of every shop; buckets keep their current points. */
  setThrottle(settings: ThrottleSettings): void;
  /** GraphQL queries refused with THROTTLED since the sandbox started. */
  throttledCount(): number;
  /** Sets the points left in one app's bucket on one shop, as if earlier calls had spent them. */
  setBucketAvailable(shopDomain: string, clientId: string, points: number): void;
  webhooks: {
    /** Every delivery attempt, in order. */
    sent: WebhookAttempt[];
    /** Deliveries not yet acknowledged and not yet given up. */
    pending(): number;
    /** Resolves once every queued delivery succeeded or ran out of attempts. */
    flush(): Promise<void>;
  };
  close(): Promise<void>;
}
