import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Serializes every transaction that changes a tenant's stock levels (products and listings) across
 * processes: imports, webhook merges, order deltas, push results and EGDC stock reports. Without it
 * two jobs read the same listing and the second write fails its optimistic lock. Must be called
 * inside a transaction, which holds the lock until it ends.
 */
export async function lockTenantStock(tx: EntityManager, tenantId: string): Promise<void> {
  await tx.execute('select pg_advisory_xact_lock(hashtext(?))', [`stock:${tenantId}`]);
}
