import { z } from 'zod';

export const throttleStatusSchema = z.object({
  maximumAvailable: z.number().nonnegative(),
  currentlyAvailable: z.number().nonnegative(),
  restoreRate: z.number().positive(),
});

/** `extensions.cost` of a GraphQL Admin response. `actualQueryCost` is null on a throttled call. */
export const queryCostSchema = z.object({
  requestedQueryCost: z.number().nonnegative().nullable(),
  actualQueryCost: z.number().nonnegative().nullable(),
  throttleStatus: throttleStatusSchema,
});

export type ShopifyQueryCost = z.output<typeof queryCostSchema>;

/** The cost bucket of one app on one shop as the last response reported it, in cost points. */
export interface ShopifyThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  /** Points restored per second. */
  restoreRate: number;
  requestedQueryCost: number | null;
  actualQueryCost: number | null;
  observedAt: Date;
}

/**
 * Returns the seconds until the bucket contains the requested cost: the deficit divided by the
 * restore rate, rounded up, at least 1. Undefined when the response carried no requested cost.
 */
export function throttleRetryAfterSeconds(cost: ShopifyQueryCost | null | undefined): number | undefined {
  if (!cost || cost.requestedQueryCost === null) return undefined;
  const deficit = cost.requestedQueryCost - cost.throttleStatus.currentlyAvailable;
  return Math.max(1, Math.ceil(deficit / cost.throttleStatus.restoreRate));
}

/** Last throttle status seen per shop, shared by every client of one connector (one app). */
export class ThrottleStatusBoard {
  private readonly statuses = new Map<string, ShopifyThrottleStatus>();

  constructor(private readonly onChange?: (shopDomain: string, status: ShopifyThrottleStatus) => void) {}

  record(shopDomain: string, cost: ShopifyQueryCost, observedAt: Date = new Date()): ShopifyThrottleStatus {
    const status: ShopifyThrottleStatus = {
      ...cost.throttleStatus,
      requestedQueryCost: cost.requestedQueryCost,
      actualQueryCost: cost.actualQueryCost,
      observedAt,
    };
    this.statuses.set(shopDomain, status);
    this.onChange?.(shopDomain, status);
    return status;
  }

  get(shopDomain: string): ShopifyThrottleStatus | undefined {
    const status = this.statuses.get(shopDomain);
    return status ? { ...status } : undefined;
  }
}
