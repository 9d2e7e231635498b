import type pg from 'pg';
import { z } from 'zod';

/** One lane's offer to the bucket: its waiting calls, grouped by tenant. */
export interface TakeRequest {
  key: string;
  capacity: number;
  refillPerSecond: number;
  fair: boolean;
  /** Process that registers the waiting calls. Its rows are replaced on every take. */
  holder: string;
  tenants: Array<{ tenantId: string; waiting: number; weight: number; headCost: number }>;
  graceMs: number;
  leaseMs: number;
}

/** A granted tenant, or the milliseconds to wait before asking again. */
export type TakeResult = { granted: true; tenantId: string } | { granted: false; waitMs: number };

export interface SettleRequest {
  key: string;
  refund: number;
  reportedAvailable: number | null;
  reportedCapacity: number | null;
  reportedRefillPerSecond: number | null;
  blockMs: number | null;
}

const takeRowSchema = z.object({
  granted_tenant: z.string().nullable(),
  wait_ms: z.number().nullable(),
});

/**
 * The shared bucket state in PostgreSQL. Each method is one statement that calls a function from
 * the rate-limit migration, which does its work under the bucket row's lock.
 */
export class RateLimitStore {
  constructor(private readonly pool: pg.Pool) {}

  async take(request: TakeRequest): Promise<TakeResult> {
    const result = await this.pool.query(
      'select granted_tenant, wait_ms from rate_limit_take($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)',
      [
        request.key,
        request.capacity,
        request.refillPerSecond,
        request.fair,
        request.holder,
        request.tenants.map((tenant) => tenant.tenantId),
        request.tenants.map((tenant) => tenant.waiting),
        request.tenants.map((tenant) => tenant.weight),
        request.tenants.map((tenant) => tenant.headCost),
        request.graceMs,
        request.leaseMs,
      ],
    );
    const row = takeRowSchema.parse(result.rows[0]);
    if (row.granted_tenant !== null) return { granted: true, tenantId: row.granted_tenant };
    // A null wait means nothing was offered, because the lane has no waiters left.
    return { granted: false, waitMs: row.wait_ms ?? 0 };
  }

  async settle(request: SettleRequest): Promise<void> {
    await this.pool.query('select rate_limit_settle($1, $2, $3, $4, $5, $6)', [
      request.key,
      request.refund,
      request.reportedAvailable,
      request.reportedCapacity,
      request.reportedRefillPerSecond,
      request.blockMs,
    ]);
  }

  /** Removes a process's waiter registrations, for one bucket or for all. */
  async releaseHolder(holder: string, key?: string): Promise<void> {
    if (key === undefined) {
      await this.pool.query('delete from rate_limit_waiter where holder = $1', [holder]);
      return;
    }
    await this.pool.query('delete from rate_limit_waiter where holder = $1 and bucket_key = $2', [holder, key]);
  }
}
