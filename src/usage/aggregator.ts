import type { Marketplace } from '../connectors/shared/types.js';
import type { UsageEntry } from '../connectors/shared/traffic.js';
import { statusClassOf, type StatusClass } from './status-class.js';

const MINUTE_MS = 60_000;

/** Calls of one connection in one UTC minute for one endpoint class and status class. */
export interface UsageBucket {
  tenantId: string;
  connectionId: string;
  marketplace: Marketplace;
  bucketStart: Date;
  endpointClass: string;
  statusClass: StatusClass;
  calls: number;
  latencyTotalMs: number;
  latencyMaxMs: number;
  costTotal: number;
}

/** Start of the UTC minute that contains `at`. */
export function minuteStart(at: Date): Date {
  return new Date(Math.floor(at.getTime() / MINUTE_MS) * MINUTE_MS);
}

/** Sums settled calls into per-minute buckets in memory until they are drained for storage. */
export class UsageAggregator {
  private buckets = new Map<string, UsageBucket>();

  /** Number of buckets waiting to be drained. */
  get size(): number {
    return this.buckets.size;
  }

  /** Adds one call. Negative or non-finite latencies and costs count as 0. */
  add(entry: UsageEntry): void {
    const statusClass = statusClassOf(entry.status);
    const bucketStart = minuteStart(entry.at);
    const latencyMs = nonNegative(entry.latencyMs);
    this.merge({
      tenantId: entry.tenantId,
      connectionId: entry.connectionId,
      marketplace: entry.marketplace,
      bucketStart,
      endpointClass: entry.endpointClass,
      statusClass,
      calls: 1,
      latencyTotalMs: latencyMs,
      latencyMaxMs: latencyMs,
      costTotal: nonNegative(entry.cost),
    });
  }

  /** Adds a whole bucket, such as one whose storage failed and is kept for the next attempt. */
  merge(bucket: UsageBucket): void {
    const key = keyOf(bucket);
    const existing = this.buckets.get(key);
    if (!existing) {
      this.buckets.set(key, { ...bucket });
      return;
    }
    existing.calls += bucket.calls;
    existing.latencyTotalMs += bucket.latencyTotalMs;
    existing.latencyMaxMs = Math.max(existing.latencyMaxMs, bucket.latencyMaxMs);
    existing.costTotal += bucket.costTotal;
  }

  /** Removes and returns every bucket, oldest minute first. */
  drain(): UsageBucket[] {
    const drained = [...this.buckets.values()].sort((a, b) => a.bucketStart.getTime() - b.bucketStart.getTime());
    this.buckets = new Map();
    return drained;
  }
}

function keyOf(bucket: UsageBucket): string {
  return [bucket.tenantId, bucket.connectionId, bucket.bucketStart.getTime(), bucket.endpointClass, bucket.statusClass].join('\u0000');
}

function nonNegative(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}
