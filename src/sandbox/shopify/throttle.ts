import type { ShopPlan, ThrottleSettings } from './types.js';

/** GraphQL Admin restore rates by plan, in points per second. */
export const RESTORE_RATE_BY_PLAN: Record<ShopPlan, number> = { standard: 100, advanced: 200, plus: 1000, enterprise: 2000 };
/** Requested cost above which a single query is refused whatever the bucket holds. */
export const SINGLE_QUERY_MAX_COST = 1000;

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

interface Bucket {
  available: number;
  updatedAt: number;
}

/**
 * Leaky buckets of cost points, one per app and shop. A query needs its requested cost in the
 * bucket before it runs; the difference between requested and actual cost is refunded after.
 */
export class CostBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private settings: ThrottleSettings;
  private throttled = 0;

  constructor(settings: ThrottleSettings = {}) {
    this.settings = checkSettings(settings);
  }

  /** Queries refused with THROTTLED since the sandbox started. */
  get throttledCount(): number {
    return this.throttled;
  }

  setSettings(settings: ThrottleSettings): void {
    this.settings = checkSettings(settings);
  }

  /** Limits for a shop: the plan's restore rate unless overridden, and 20 times that as bucket size. */
  limits(plan: ShopPlan): { restoreRate: number; maximumAvailable: number } {
    const restoreRate = this.settings.restoreRate ?? RESTORE_RATE_BY_PLAN[plan];
    return { restoreRate, maximumAvailable: this.settings.maximumAvailable ?? restoreRate * 20 };
  }

  status(key: string, plan: ShopPlan, now: number): ThrottleStatus {
    const { restoreRate, maximumAvailable } = this.limits(plan);
    const bucket = this.refill(key, restoreRate, maximumAvailable, now);
    return { maximumAvailable, currentlyAvailable: Math.floor(bucket.available), restoreRate };
  }

  /** Takes `cost` points when the bucket contains them; otherwise takes nothing and returns false. */
  tryTake(key: string, plan: ShopPlan, cost: number, now: number): boolean {
    const { restoreRate, maximumAvailable } = this.limits(plan);
    const bucket = this.refill(key, restoreRate, maximumAvailable, now);
    if (bucket.available < cost) {
      this.throttled += 1;
      return false;
    }
    bucket.available -= cost;
    return true;
  }

  refund(key: string, plan: ShopPlan, points: number, now: number): void {
    const { restoreRate, maximumAvailable } = this.limits(plan);
    const bucket = this.refill(key, restoreRate, maximumAvailable, now);
    bucket.available = Math.min(maximumAvailable, bucket.available + points);
  }

  setAvailable(key: string, plan: ShopPlan, points: number, now: number): void {
    const { restoreRate, maximumAvailable } = this.limits(plan);
    const bucket = this.refill(key, restoreRate, maximumAvailable, now);
    bucket.available = Math.max(0, Math.min(maximumAvailable, points));
  }

  private refill(key: string, restoreRate: number, maximumAvailable: number, now: number): Bucket {
    const bucket = this.buckets.get(key) ?? { available: maximumAvailable, updatedAt: now };
    const elapsedSeconds = Math.max(0, now - bucket.updatedAt) / 1000;
    bucket.available = Math.min(maximumAvailable, bucket.available + elapsedSeconds * restoreRate);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    return bucket;
  }
}

function checkSettings(settings: ThrottleSettings): ThrottleSettings {
  if (settings.restoreRate !== undefined && !(settings.restoreRate > 0)) {
    throw new Error(`Invalid throttle restoreRate ${settings.restoreRate}: use a positive number of points per second.`);
  }
  if (settings.maximumAvailable !== undefined && !(settings.maximumAvailable > 0)) {
    throw new Error(`Invalid throttle maximumAvailable ${settings.maximumAvailable}: use a positive number of points.`);
  }
  return { ...settings };
}
