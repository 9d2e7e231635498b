import type { MikroORM } from '../database/orm.js';
import type { UsageBucket } from './aggregator.js';

/** Buckets per INSERT statement: 10 parameters each keeps a statement far below PostgreSQL's 65,535. */
const ROWS_PER_STATEMENT = 500;

const COLUMNS = '(tenant_id, connection_id, marketplace, bucket_start, endpoint_class, status_class, calls, latency_total_ms, latency_max_ms, cost_total)';
const ROW_PLACEHOLDERS = '(?::varchar, ?::uuid, ?::text, ?::timestamptz, ?::varchar, ?::varchar, ?::int, ?::float8, ?::float8, ?::float8)';

/**
 * Adds the buckets to the stored rows: a new key inserts a row, an existing key adds the counts to
 * it and keeps the larger maximum latency, so any number of processes can store their sums. All
 * statements run in one transaction, so a failure stores nothing and the caller may retry every
 * bucket. Buckets of a connection that no longer exists (or that is not the bucket tenant's) are
 * dropped. Each bucket key must appear once, as `UsageAggregator.drain` returns them.
 */
export async function addUsageBuckets(orm: MikroORM, buckets: readonly UsageBucket[]): Promise<void> {
  if (buckets.length === 0) return;
  await orm.em.fork().transactional(async (tx) => {
    for (let start = 0; start < buckets.length; start += ROWS_PER_STATEMENT) {
      const chunk = buckets.slice(start, start + ROWS_PER_STATEMENT);
      const params = chunk.flatMap((bucket) => [
        bucket.tenantId, bucket.connectionId, bucket.marketplace, bucket.bucketStart, bucket.endpointClass, bucket.statusClass,
        bucket.calls, bucket.latencyTotalMs, bucket.latencyMaxMs, bucket.costTotal,
      ]);
      await tx.execute(upsertSql(chunk.length), params);
    }
  });
}

/** Deletes the rows of minutes that started before `before`, across all tenants. Returns how many went. */
export async function deleteUsageBefore(orm: MikroORM, before: Date): Promise<number> {
  const result = await orm.em.fork().execute<{ affectedRows: number }>('delete from api_usage where bucket_start < ?', [before], 'run');
  return result.affectedRows;
}

function upsertSql(rows: number): string {
  const values = Array.from({ length: rows }, () => ROW_PLACEHOLDERS).join(', ');
  return [
    'insert into api_usage (id, tenant_id, created_at, updated_at, connection_id, marketplace, bucket_start, endpoint_class, status_class, calls, latency_total_ms, latency_max_ms, cost_total)',
    'select gen_random_uuid(), v.tenant_id, now(), now(), v.connection_id, v.marketplace::marketplace, v.bucket_start, v.endpoint_class, v.status_class, v.calls, v.latency_total_ms, v.latency_max_ms, v.cost_total',
    `from (values ${values}) as v ${COLUMNS}`,
    'join marketplace_connection c on c.id = v.connection_id and c.tenant_id = v.tenant_id',
    'on conflict (tenant_id, connection_id, bucket_start, endpoint_class, status_class) do update set',
    'calls = api_usage.calls + excluded.calls,',
    'latency_total_ms = api_usage.latency_total_ms + excluded.latency_total_ms,',
    'latency_max_ms = greatest(api_usage.latency_max_ms, excluded.latency_max_ms),',
    'cost_total = api_usage.cost_total + excluded.cost_total,',
    'updated_at = excluded.updated_at',
  ].join('\n');
}
