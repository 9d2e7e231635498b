import type { RecordedRequest } from '../shared/recorder.js';
import type { FaultRule } from '../shared/faults.js';
import type { Logger } from 'pino';
import type { SheinEvent } from './events.js';

/** An application registered in the sandbox, as in the SHEIN developer portal. */
export interface SandboxAppConfig {
  /** appid, e.g. 29 uppercase hex characters. */
  appId: string;
  /** App secret key; its first 16 bytes are the AES key for secret keys and event data. */
  appSecret: string;
  /** Exact redirect URLs the empower page may send sellers back to. */
  redirectUrls: string[];
  /** Event callback URL; the sandbox signs each callback over this URL's path. */
  webhookUrl?: string;
  /** Name shown on the empower page; defaults to the appid. */
  name?: string;
}

export interface SheinSandboxOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0, which picks a free port. */
  port?: number;
  apps?: SandboxAppConfig[];
  /** Minimum time between two accepted API calls of one seller, in ms; default 150, 0 turns it off. */
  requestSpacingMs?: number;
  /** Accepted distance between `x-lt-timestamp` and the sandbox clock, in ms, both ways; default 300000 (5 min). */
  timestampToleranceMs?: number;
  /** Attempts per event callback before it is given up; default 3. */
  webhookMaxAttempts?: number;
  /** Delay between callback attempts, in ms; default 1000. */
  webhookRetryDelayMs?: number;
  /** Time a callback receiver has to respond, in ms; default 3000. */
  webhookTimeoutMs?: number;
  logger?: Logger;
}

export interface SeedSize {
  size: string;
  /** Seller SKU (the EGDC SKU). */
  sellerSku: string;
  /** Usable stock. */
  quantity: number;
  /** Barcode (EAN/UPC), sent as `supplierBarcode`. */
  barcode?: string;
  /** Price in MXN; defaults to the product price. */
  price?: number;
}

/** One colour (SKC) of a product and its sizes (SKUs). */
export interface SeedSkc {
  color: string;
  sizes: SeedSize[];
  /** Whether the colour is on sale; default true. */
  onShelf?: boolean;
}

/** One model (SPU). */
export interface SeedProduct {
  /** Spanish title. */
  title: string;
  /** Price in MXN. */
  price: number;
  skcs: SeedSkc[];
}

export interface SeedSellerInput {
  supplierId?: number;
  name: string;
  products: SeedProduct[];
}

export interface SeededSeller {
  supplierId: number;
  spuNames: string[];
  /** SKU codes in seed order: products, then colours, then sizes. */
  skuCodes: string[];
}

export interface SkuRecord {
  skuCode: string;
  sellerSku: string;
  size: string;
  barcode: string | null;
  price: number;
  usable: number;
  /** Units held by open orders; SHEIN reports them apart from the usable stock. */
  locked: number;
}

export interface SkcRecord {
  skcName: string;
  color: string;
  onShelf: boolean;
  skus: SkuRecord[];
}

export interface SpuRecord {
  spuName: string;
  supplierId: number;
  title: string;
  /** ISO 8601 in UTC. */
  lastUpdateTime: string;
  skcs: SkcRecord[];
}

/** Order statuses, as numbers in the API. NOTE: inferred; SHEIN's table is not public. */
export const ORDER_STATUSES = { pending: 1, toBeShipped: 2, shipped: 3, delivered: 4, cancelled: 5 } as const;
export type OrderStatus = (typeof ORDER_STATUSES)[keyof typeof ORDER_STATUSES];

/** One physical unit of an order. */
export interface OrderGoodsRow {
  goodsId: number;
  skuCode: string;
  sellerSku: string;
  spuName: string;
  skcName: string;
}

/** An order in the shape of one element of the order-detail `info`. */
export interface Order {
  orderNo: string;
  supplierId: number;
  orderStatus: OrderStatus;
  orderTime: string;
  orderGoodsInfoList: OrderGoodsRow[];
}

export interface CreateOrderInput {
  supplierId: number;
  lines: Array<{ skuCode: string; quantity: number }>;
  /** Default 1 (pending). A cancelled order takes no stock. */
  orderStatus?: OrderStatus;
}

export interface IssueAuthorizationCodeInput {
  appId: string;
  supplierId: number;
  /** Returned as `state` by the key exchange; default empty. */
  state?: string;
}

export type { RecordedRequest };

export type { FaultRule };

/** One callback attempt: the receiver's status, or 'error' for a network failure or timeout. */
export interface WebhookAttempt {
  url: string;
  event: SheinEvent;
  attempt: number;
  status: number | 'error';
  headers: Record<string, string>;
  body: string;
}

export interface SheinSandbox {
  /** Base URL of the API host and of the empower page (`{url}/empower`). */
  readonly url: string;
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[];
  addApp(app: SandboxAppConfig): void;
  /** Adds a seller (or products to a known one) and returns the new SPU and SKU codes. */
  seedSeller(input: SeedSellerInput): SeededSeller;
  getSpu(spuName: string): SpuRecord | undefined;
  getSku(skuCode: string): SkuRecord | undefined;
  getOrder(orderNo: string): Order | undefined;
  /** Applies a manual stock edit by the seller and sends a `stock` event. */
  setStock(skuCode: string, quantity: number): void;
  /** Records a sale: takes stock (unless cancelled) and sends an `order` event. */
  createOrder(input: CreateOrderInput): Order;
  /** Finishes SHEIN's review of a product and sends a `product_audit` event. */
  reviewProduct(spuName: string, auditState: number, failedReason?: string[]): void;
  /** Issues a tempToken as if the seller had clicked "Autorizar", for tests that skip the HTML page. */
  issueAuthorizationCode(input: IssueAuthorizationCodeInput): string;
  /**
   * Issues an openKeyId and secretKey for one app and seller, as the seller portal shows them to a
   * seller who connects by copying keys. The seller's other keys keep working.
   */
  issueApiKeys(input: { appId: string; supplierId: number }): { openKeyId: string; secretKey: string };
  /**
   * Makes the seller's keys (or every key) stop working, as a lapsed authorization would. SHEIN
   * keys have no expiry of their own.
   */
  expireAccessTokens(supplierId?: number): void;
  /** Removes the seller's authorization of one app (or of every app); its keys stop working. */
  revokeAuthorization(supplierId: number, appId?: string): void;
  injectFault(rule: FaultRule): void;
  clearFaults(): void;
  /** Sets the minimum time between two accepted calls of one seller, in ms; 0 turns the limit off. */
  setRequestSpacing(ms: number): void;
  /** Highest number of API requests one seller sent within one wall-clock second, rejected ones included. */
  peakRequestsPerSecond(): number;
  /** Moves the sandbox clock forward (or back), e.g. to expire tempTokens or test timestamp checks. */
  advanceClock(ms: number): void;
  webhooks: {
    /** Every callback attempt, in order. */
    sent: WebhookAttempt[];
    /** Events whose attempts were all used without a 2xx response. */
    failed: SheinEvent[];
    pending(): number;
    /** Resolves once every queued callback is delivered or given up. */
    flush(): Promise<void>;
  };
  close(): Promise<void>;
}
