import { raw } from '@mikro-orm/core';
import { z } from 'zod';
import type { EntityManager } from '../database/orm.js';
import { ApiUsage } from '../entities/index.js';
import { isErrorClass, STATUS_CLASSES, type StatusClass } from './status-class.js';

export const USAGE_GRANULARITIES = ['MINUTE', 'HOUR', 'DAY'] as const;
export type UsageGranularity = (typeof USAGE_GRANULARITIES)[number];

/** `date_trunc` field of each granularity; buckets are cut in UTC. */
const TRUNCATE_TO: Record<UsageGranularity, string> = { MINUTE: 'minute', HOUR: 'hour', DAY: 'day' };

/** Calls of one connection in one bucket for one endpoint class and status class. */
export interface UsageReportBucket {
  bucketStart: Date;
  endpointClass: string;
  statusClass: StatusClass;
  calls: number;
  /** Calls that got a 429 (throttled) response. */
  throttled: number;
  /** Calls that failed: no response, 3xx, 4xx other than 429, or 5xx. */
  errors: number;
  averageLatencyMs: number;
  maxLatencyMs: number;
  cost: number;
}

// Sums come back from PostgreSQL as float8 and the bucket as a timestamptz, so one schema checks every row.
const rowSchema = z.object({
  bucket: z.coerce.date(),
  endpoint_class: z.string(),
  status_class: z.enum(STATUS_CLASSES),
  calls: z.coerce.number(),
  latency_total_ms: z.coerce.number(),
  latency_max_ms: z.coerce.number(),
  cost_total: z.coerce.number(),
});

/**
 * Reads the usage of one connection for the minutes starting in [from, to), summed per bucket of
 * `granularity`, endpoint class and status class, oldest bucket first. The entity manager's tenant
 * filter applies, so another tenant's rows are never read. Calls still summed in a process's
 * memory (up to one flush interval) are not included.
 */
export async function readUsageReport(
  em: EntityManager,
  input: { connectionId: string; from: Date; to: Date; granularity: UsageGranularity },
): Promise<UsageReportBucket[]> {
  const bucket = `date_trunc('${TRUNCATE_TO[input.granularity]}', u.bucket_start at time zone 'UTC') at time zone 'UTC'`;
  const qb = em.createQueryBuilder(ApiUsage, 'u')
    .select([
      raw(`${bucket} as bucket`),
      'u.endpoint_class',
      'u.status_class',
      raw('sum(u.calls)::float8 as calls'),
      raw('sum(u.latency_total_ms) as latency_total_ms'),
      raw('max(u.latency_max_ms) as latency_max_ms'),
      raw('sum(u.cost_total) as cost_total'),
    ])
    .where({ connection: input.connectionId, bucketStart: { $gte: input.from, $lt: input.to } })
    .groupBy([raw(bucket), 'u.endpoint_class', 'u.status_class'])
    .orderBy([{ [raw(bucket)]: 'asc' }, { endpointClass: 'asc' }, { statusClass: 'asc' }]);
  await qb.applyFilters();
  const rows: unknown[] = await qb.execute('all', false);

  return rows.map((value) => {
    const row = rowSchema.parse(value);
    return {
      bucketStart: row.bucket,
      endpointClass: row.endpoint_class,
      statusClass: row.status_class,
      calls: row.calls,
      throttled: row.status_class === '429' ? row.calls : 0,
      errors: isErrorClass(row.status_class) ? row.calls : 0,
      averageLatencyMs: row.calls > 0 ? row.latency_total_ms / row.calls : 0,
      maxLatencyMs: row.latency_max_ms,
      cost: row.cost_total,
    };
  });
}
