import type { RecordedRequest } from '../shared/recorder.js';
import type { FaultRule } from '../shared/faults.js';
import type { Logger } from 'pino';

/** Access scopes the sandbox checks, one per group of APIs. */
export const SCOPES = {
  authorization: 'seller.authorization.info',
  productRead: 'seller.product.basic',
  productWrite: 'seller.product.write',
  orderRead: 'seller.order.info',
  logistics: 'seller.logistics',
} as const;
export const ALL_SCOPES: readonly string[] = Object.values(SCOPES);

/** An app registered in the sandbox, as in TikTok Shop Partner Center. */
export interface SandboxAppConfig {
  appKey: string;
  appSecret: string;
  /** `service_id` of the authorization link. */
  serviceId: string;
  /** Redirect URL the consent page sends the seller back to, with `code` and `state`. */
  redirectUrl: string;
  /** URL that receives signed webhooks for shops that authorized the app. */
  webhookUrl?: string;
  /** Scopes granted to the app's tokens; every scope in SCOPES when not given. */
  scopes?: string[];
  /** Name shown on the consent page; defaults to the app key. */
  name?: string;
}

export interface TikTokSandboxOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0, which picks a free port. */
  port?: number;
  apps?: SandboxAppConfig[];
  /** Requests per second per API per app and shop above which the sandbox returns 429; default 50. */
  ratePerSecond?: number;
  /** Access token lifetime in seconds; default 604800 (7 days). */
  accessTokenTtlSeconds?: number;
  /** Authorization (and refresh token) lifetime in seconds; default 31536000 (365 days). */
  authorizationTtlSeconds?: number;
  /** Delays before each webhook retry, in milliseconds; default 2 min, 30 min, 3 h and 12 h, as TikTok retries. */
  webhookRetryDelaysMs?: number[];
  /** Time the receiver has to respond with 200, in milliseconds; default 3000. */
  webhookTimeoutMs?: number;
  logger?: Logger;
}

export type ProductStatus = 'DRAFT' | 'PENDING' | 'FAILED' | 'ACTIVATE' | 'SELLER_DEACTIVATED' | 'PLATFORM_DEACTIVATED' | 'FREEZE' | 'DELETED';
export const PRODUCT_STATUSES: readonly ProductStatus[] = ['DRAFT', 'PENDING', 'FAILED', 'ACTIVATE', 'SELLER_DEACTIVATED', 'PLATFORM_DEACTIVATED', 'FREEZE', 'DELETED'];

export interface SeedSku {
  /** Seller SKU; for EGDC, the EGDC SKU. */
  sellerSku: string;
  size: string;
  color?: string;
  gtin?: string;
  /** Price in MXN. */
  price: number;
  /** Stock in the shop's default warehouse. */
  quantity: number;
  /** When false the SKU is not live, so inventory updates for it fail; default true. */
  live?: boolean;
}

export interface SeedProduct {
  title: string;
  /** Default ACTIVATE (live). */
  status?: ProductStatus;
  /** Name of the size sales attribute; default 'Talla'. */
  sizeAttributeName?: string;
  skus: SeedSku[];
}

export interface SeedShop {
  name: string;
  /** Region code; default MX. */
  region?: string;
  sellerType?: 'LOCAL' | 'CROSS_BORDER';
  /** Sales warehouses; the first is the default. Default 1. */
  warehouseCount?: number;
  products?: SeedProduct[];
}

export interface SeededShop {
  shopId: string;
  cipher: string;
  name: string;
  region: string;
  /** Sales warehouse ids, default first. */
  warehouseIds: string[];
  productIds: string[];
}

export interface SeededSeller {
  openId: string;
  shops: SeededShop[];
}

export interface SalesAttribute {
  id: string;
  name: string;
  value_id: string;
  value_name: string;
}

export interface Sku {
  id: string;
  seller_sku: string;
  price: { amount: string; currency: 'MXN'; sale_price: string };
  inventory: Array<{ warehouse_id: string; quantity: number }>;
  sales_attributes: SalesAttribute[];
  identifier_code?: { code: string; type: 'GTIN' };
}

/** A product in the JSON shape of GET /product/202309/products/{id}. */
export interface Product {
  id: string;
  title: string;
  status: ProductStatus;
  create_time: number;
  update_time: number;
  skus: Sku[];
}

export interface Warehouse {
  id: string;
  name: string;
  effect_status: 'ENABLED';
  type: 'SALES_WAREHOUSE' | 'RETURN_WAREHOUSE';
  sub_type: 'DOMESTIC_WAREHOUSE';
  is_default: boolean;
}

export type OrderStatus = 'UNPAID' | 'ON_HOLD' | 'AWAITING_SHIPMENT' | 'AWAITING_COLLECTION' | 'IN_TRANSIT' | 'DELIVERED' | 'COMPLETED' | 'CANCELLED';
export const ORDER_STATUSES: readonly OrderStatus[] = ['UNPAID', 'ON_HOLD', 'AWAITING_SHIPMENT', 'AWAITING_COLLECTION', 'IN_TRANSIT', 'DELIVERED', 'COMPLETED', 'CANCELLED'];

/** One line item: TikTok lists one line item per unit sold, so it has no quantity. */
export interface LineItem {
  id: string;
  product_id: string;
  product_name: string;
  sku_id: string;
  sku_name: string;
  seller_sku: string;
  sale_price: string;
  original_price: string;
  currency: 'MXN';
  display_status: OrderStatus;
}

/** An order in the JSON shape of GET /order/202309/orders. */
export interface Order {
  id: string;
  status: OrderStatus;
  create_time: number;
  update_time: number;
  buyer_message: string;
  payment: { currency: 'MXN'; sub_total: string; total_amount: string };
  line_items: LineItem[];
}

export interface CreateOrderInput {
  shopId: string;
  lines: Array<{ productId: string; skuId: string; quantity: number }>;
  /** Default AWAITING_SHIPMENT. A CANCELLED order does not take stock. */
  status?: OrderStatus;
}

/** Body of a webhook POST: TikTok's envelope. */
export interface WebhookEnvelope {
  type: number;
  tts_notification_id: string;
  shop_id: string;
  timestamp: number;
  data: Record<string, unknown>;
}

/** One webhook delivery attempt: the receiver's HTTP status, or 'error' for a network failure or timeout. */
export interface WebhookAttempt {
  url: string;
  envelope: WebhookEnvelope;
  /** Exact body text sent, which the signature covers. */
  rawBody: string;
  signature: string;
  status: number | 'error';
  attempt: number;
}

export type { RecordedRequest };

export type { FaultRule };

export interface TikTokSandbox {
  /** Base URL of the authorization page, the token host and the API host. */
  readonly url: string;
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[];
  addApp(app: SandboxAppConfig): void;
  /** Adds a seller with shops, warehouses and products. */
  seedSeller(input: { sellerName: string; baseRegion?: string; shops: SeedShop[] }): SeededSeller;
  /** A copy of the stored product in TikTok's JSON shape. */
  getProduct(productId: string): Product | undefined;
  getOrder(orderId: string): Order | undefined;
  /** Applies a manual stock edit in Seller Center and sends an INVENTORY_STATUS_CHANGE (27) webhook. */
  setSkuStock(productId: string, skuId: string, quantity: number, warehouseId?: string): void;
  /** Changes a product's status and sends a PRODUCT_STATUS_CHANGE (5) webhook. */
  setProductStatus(productId: string, status: ProductStatus): void;
  /** Makes a SKU live or not live; inventory updates fail for SKUs that are not live. */
  setSkuLive(productId: string, skuId: string, live: boolean): void;
  /** Records a sale: takes stock (unless cancelled) and sends an ORDER_STATUS_CHANGE (1) webhook. */
  createOrder(input: CreateOrderInput): Order;
  /** Issues a code as if the seller had clicked "Autorizar", for tests that skip the HTML page. */
  issueAuthorizationCode(input: { appKey: string; openId: string }): string;
  /** Makes every access token (or only the seller's) expired now; refresh tokens stay valid. */
  expireAccessTokens(openId?: string): void;
  /** Removes the seller's authorization of one app (or of all), kills its tokens and sends SELLER_DEAUTHORIZATION (6). */
  revokeAuthorization(openId: string, appKey?: string): void;
  injectFault(rule: FaultRule): void;
  clearFaults(): void;
  setRatePerSecond(n: number): void;
  /** Highest number of API requests one app and shop made to one API sent within one wall-clock second, rejected ones included. */
  peakRequestsPerSecond(): number;
  webhooks: {
    /** Every delivery attempt, in order. */
    sent: WebhookAttempt[];
    /** Webhooks whose retries ran out without a 200. */
    failed: WebhookEnvelope[];
    /** Number of webhooks not yet delivered and not yet given up. */
    pending(): number;
    /** Resolves once every queued webhook is delivered or given up. */
    flush(): Promise<void>;
  };
  close(): Promise<void>;
}
