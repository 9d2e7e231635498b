import type { CallOutcome } from '../connectors/shared/traffic.js';
import type { Marketplace } from '../connectors/shared/types.js';
import type { BucketLimit } from './limits.js';
import type { SettleRequest } from './store.js';

/** Block after a 429 without Retry-After, because these marketplaces count requests per second. */
export const DEFAULT_BLOCK_MS = 1000;

/**
 * Translates a call's outcome into a change of its bucket, or null when there is nothing to apply.
 *
 * Shopify: the requested cost was spent at acquire, so the difference to the actual cost is
 * refunded, and the reported `throttleStatus` sets capacity and restore rate and caps the tokens
 * (less the cost of this process's other calls in flight).
 * A call that failed without a reported cost keeps its full charge, because it may have been
 * charged. Request-count models keep every call's token, with or without a response. Any 429 blocks the
 * bucket for Retry-After seconds.
 */
export function settlementFor(marketplace: Marketplace, limit: BucketLimit, outcome: CallOutcome, inFlightElsewhere: number): SettleRequest | null {
  const blockMs = outcome.status === 429 ? blockMillisecondsFor(outcome.retryAfterSeconds) : null;
  let refund = 0;
  let reported: { available: number; capacity: number; refillPerSecond: number } | null = null;

  if (marketplace === 'SHOPIFY') {
    if (outcome.actualCost !== undefined && Number.isFinite(outcome.actualCost)) {
      refund = Math.max(0, limit.cost - outcome.actualCost);
    }
    const status = outcome.throttleStatus;
    if (status && isUsableThrottleStatus(status)) {
      // Calls of this process still in flight are charged here already but perhaps not in the report.
      reported = { available: status.currentlyAvailable - inFlightElsewhere, capacity: status.maximumAvailable, refillPerSecond: status.restoreRate };
    }
  }

  if (refund === 0 && reported === null && blockMs === null) return null;
  return {
    key: limit.key,
    refund,
    reportedAvailable: reported?.available ?? null,
    reportedCapacity: reported?.capacity ?? null,
    reportedRefillPerSecond: reported?.refillPerSecond ?? null,
    blockMs,
  };
}

function blockMillisecondsFor(retryAfterSeconds: number | undefined): number {
  if (retryAfterSeconds === undefined || !Number.isFinite(retryAfterSeconds) || retryAfterSeconds < 0) return DEFAULT_BLOCK_MS;
  return retryAfterSeconds * 1000;
}

function isUsableThrottleStatus(status: NonNullable<CallOutcome['throttleStatus']>): boolean {
  return (
    Number.isFinite(status.currentlyAvailable) && status.currentlyAvailable >= 0 &&
    Number.isFinite(status.maximumAvailable) && status.maximumAvailable > 0 &&
    Number.isFinite(status.restoreRate) && status.restoreRate > 0
  );
}
