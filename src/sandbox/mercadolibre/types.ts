import type { RecordedRequest } from '../shared/recorder.js';
import type { FaultRule } from '../shared/faults.js';
import type { Logger } from 'pino';

/** An application registered in the sandbox, as in MercadoLibre's "Mis aplicaciones" manager. */
export interface SandboxAppConfig {
  clientId: string;
  clientSecret: string;
  /** Exact redirect URIs accepted by the authorization page and the token endpoint. */
  redirectUris: string[];
  /** When true (the default), authorization requests must carry an S256 code_challenge. */
  requirePkce?: boolean;
  /** URL that receives `items` and `orders_v2` notifications (POST) for sellers who authorized the app. */
  notificationUrl?: string;
  /** Numeric application id used in tokens and notifications; defaults to the client id when it is numeric. */
  applicationId?: number;
  /** Name shown on the consent page; defaults to the client id. */
  name?: string;
}

export interface MercadoLibreSandboxOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0, which picks a free port. */
  port?: number;
  apps?: SandboxAppConfig[];
  /** Requests per second per application above which the sandbox returns 429; default 10. */
  ratePerSecond?: number;
  /** Access token lifetime in seconds; default 21600 (6 hours). */
  accessTokenTtlSeconds?: number;
  /** How long an undelivered notification is retried before it moves to missed_feeds; default 60000 ms. */
  notificationRetryWindowMs?: number;
  /** Delay between notification attempts; default 1000 ms. */
  notificationRetryDelayMs?: number;
  logger?: Logger;
}

export interface SeedVariation {
  sellerSku: string;
  size: string;
  color?: string;
  gtin?: string;
  price: number;
  availableQuantity: number;
}

export type ItemStatus = 'active' | 'paused' | 'closed';

export interface SeedItem {
  title: string;
  categoryId?: string;
  price: number;
  brand?: string;
  model?: string;
  status?: ItemStatus;
  /** Stock of an item without variations; ignored when variations are given. */
  availableQuantity?: number;
  /** SELLER_SKU attribute of an item without variations. */
  sellerSku?: string;
  /** Sizes (and colours) of the listing; omit or leave empty for an item without variations. */
  variations?: SeedVariation[];
}

export type { RecordedRequest };

export type { FaultRule };

export interface ItemAttribute {
  id: string;
  value_name: string;
}

export interface VariationAttribute {
  id: string;
  name: string;
  value_name: string;
}

export interface AttributeCombination {
  id: string;
  name: string;
  value_id: string | null;
  value_name: string;
}

export interface Variation {
  id: number;
  price: number;
  available_quantity: number;
  sold_quantity: number;
  attribute_combinations: AttributeCombination[];
  attributes: VariationAttribute[];
  picture_ids: string[];
}

/** A listing in the JSON shape of GET /items/{id}. */
export interface Item {
  id: string;
  seller_id: number;
  title: string;
  category_id: string;
  price: number;
  currency_id: 'MXN';
  available_quantity: number;
  sold_quantity: number;
  status: ItemStatus;
  listing_type_id: string;
  condition: 'new';
  last_updated: string;
  date_created: string;
  attributes: ItemAttribute[];
  variations: Variation[];
}

export const ORDER_STATUSES = [
  'confirmed',
  'payment_required',
  'payment_in_process',
  'partially_paid',
  'paid',
  'cancelled',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface OrderItem {
  item: {
    id: string;
    title: string;
    variation_id: number | null;
    seller_sku: string | null;
    variation_attributes: VariationAttribute[];
  };
  quantity: number;
  unit_price: number;
  currency_id: 'MXN';
}

/** An order in the JSON shape of GET /orders/{id}. */
export interface Order {
  id: number;
  status: OrderStatus;
  date_created: string;
  last_updated: string;
  seller: { id: number };
  buyer: { id: number };
  total_amount: number;
  currency_id: 'MXN';
  order_items: OrderItem[];
}

export type NotificationTopic = 'items' | 'orders_v2';

/** Body of a notification POST, as MercadoLibre sends it. */
export interface NotificationPayload {
  _id: string;
  resource: string;
  user_id: number;
  topic: NotificationTopic;
  application_id: number;
  attempts: number;
  sent: string;
  received: string;
}

/** One delivery attempt: the HTTP status of the receiver's response, or 'error' for a network failure or timeout. */
export interface NotificationAttempt {
  payload: NotificationPayload;
  status: number | 'error';
  attempt: number;
}

export interface CreateOrderInput {
  sellerId: number;
  lines: Array<{ itemId: string; variationId?: number; quantity: number }>;
  /** Default 'paid'. A 'cancelled' order does not take stock. */
  status?: OrderStatus;
}

export interface IssueAuthorizationCodeInput {
  clientId: string;
  userId: number;
  redirectUri: string;
  codeChallenge?: string;
}

export interface MercadoLibreSandbox {
  /** Base URL for both the auth host and the API host. */
  readonly url: string;
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[];
  addApp(app: SandboxAppConfig): void;
  seedSeller(input: { userId?: number; nickname: string; items: SeedItem[] }): { userId: number; itemIds: string[] };
  /** A copy of the stored item in the MercadoLibre JSON shape. */
  getItem(itemId: string): Item | undefined;
  getOrder(orderId: number): Order | undefined;
  /** Applies a manual stock edit by the seller on MercadoLibre and sends an `items` notification. */
  setVariationStock(itemId: string, variationId: number, quantity: number): void;
  /** Same as setVariationStock for an item without variations. */
  setItemStock(itemId: string, quantity: number): void;
  /** Records a sale: takes stock (unless cancelled) and sends an `orders_v2` notification. */
  createOrder(input: CreateOrderInput): Order;
  /** Issues a code as if the seller had clicked "Autorizar", for tests that skip the HTML page. */
  issueAuthorizationCode(input: IssueAuthorizationCodeInput): string;
  /** Makes every access token (or only the given seller's) expired now; refresh tokens stay valid. */
  expireAccessTokens(userId?: number): void;
  /** Removes the seller's authorization of one app (or of every app), killing its access and refresh tokens. */
  revokeAuthorization(userId: number, clientId?: string): void;
  injectFault(rule: FaultRule): void;
  clearFaults(): void;
  setRatePerSecond(n: number): void;
  /** Highest number of API requests one application sent within one wall-clock second, rejected ones included. */
  peakRequestsPerSecond(): number;
  notifications: {
    /** Every delivery attempt, in order. */
    sent: NotificationAttempt[];
    /** Notifications whose retry window passed, as GET /missed_feeds lists them. */
    missed: NotificationPayload[];
    /** Number of notifications not yet delivered and not yet given up. */
    pending(): number;
    /** Resolves once every queued notification is delivered or moved to missed feeds. */
    flush(): Promise<void>;
  };
  close(): Promise<void>;
}
