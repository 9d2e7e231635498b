import type { Marketplace } from './types.js';

/**
 * The gate every marketplace request passes through, bound to one connection when the session is
 * built. It budgets ahead (rate limits shared by all processes), learns from what the marketplace
 * reports back, and records usage. Connectors call `acquire` before each HTTP attempt and settle
 * the permit with the attempt's outcome, whatever it was.
 */
export interface TrafficControl {
  /** Resolves when the request may be sent. Rejects with the signal's reason when aborted. */
  acquire(call: CallRequest, signal?: AbortSignal): Promise<CallPermit>;
}

export interface CallRequest {
  /** Coarse endpoint name for limits and usage, such as `items.read`, `stock.write` or `graphql`. */
  endpointClass: string;
  /** Requested cost: Shopify's query cost, 1 for marketplaces that count requests. */
  cost: number;
}

export interface CallPermit {
  /** Refunds unused cost, resynchronizes from marketplace-reported state and records usage. */
  settle(outcome: CallOutcome): void;
}

export interface CallOutcome {
  /** HTTP status, or null when no response arrived (network error or timeout). */
  status: number | null;
  latencyMs: number;
  /** Cost the marketplace actually charged (Shopify `actualQueryCost`). */
  actualCost?: number;
  /** Bucket state the marketplace reported (Shopify `extensions.cost.throttleStatus`). */
  throttleStatus?: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
  /** Seconds the marketplace asked us to wait (429 Retry-After), already clamped. */
  retryAfterSeconds?: number;
}

/**
 * Connection id of the scope of a code exchange, which runs before the connection exists. The
 * usage log does not store calls under it, because usage rows belong to a connection.
 */
export const AUTHORIZATION_CONNECTION_ID = 'authorization';

/** Account a call is made for, which the limiter and the usage log key on. */
export interface CallScope {
  marketplace: Marketplace;
  tenantId: string;
  /** Our id of the connection, or AUTHORIZATION_CONNECTION_ID during a code exchange. */
  connectionId: string;
  /** Seller, shop or store id on the marketplace; '' when not known yet (during a code exchange). */
  accountId: string;
}

/** One settled call, as the usage log receives it. */
export interface UsageEntry extends CallScope {
  endpointClass: string;
  status: number | null;
  latencyMs: number;
  cost: number;
  at: Date;
}

/** Receives every settled call; aggregates and stores it. Must not throw. */
export interface UsageSink {
  record(entry: UsageEntry): void;
}
