import type { tenantEntityManager } from '../database/orm.js';
import { InventoryAdjustment, Listing, ListingPushState, SyncRun, SyncRunKind, SyncRunStatus } from '../entities/index.js';
import { waitFor } from './wait.js';

/** Opens a fresh tenant-scoped entity manager, so each poll reads the database anew. */
export type EntityManagerFactory = () => ReturnType<typeof tenantEntityManager>;

/**
 * Waits for the connection's latest listing import to succeed. The import job retries a failed run
 * (the same SyncRun row) with backoff, so a FAILED status is not final here. On timeout this raises
 * an error with the run's last error.
 */
export async function waitForImport(em: EntityManagerFactory, connectionId: string, name: string, timeoutMs = 120_000): Promise<void> {
  const latest = () => em().findOne(SyncRun, { connection: connectionId, kind: SyncRunKind.IMPORT }, { orderBy: { createdAt: 'desc' } });
  try {
    await waitFor(`the ${name} listing import`, async () => ((await latest())?.status === SyncRunStatus.SUCCEEDED ? true : undefined), { timeoutMs });
  } catch (error) {
    const run = await latest();
    throw new Error(`The ${name} listing import did not succeed within ${timeoutMs} ms (status ${run?.status ?? 'no run'}, last error: ${run?.error ?? 'none'})`, { cause: error });
  }
}

/** Waits until the connection has no listing waiting for a push and no sync run queued or running. */
export async function waitForPushes(em: EntityManagerFactory, connectionId: string, name: string): Promise<void> {
  await waitFor(`pending ${name} stock pushes`, async () => {
    const pending = await em().count(Listing, { connection: connectionId, pushState: ListingPushState.PENDING_PUSH });
    const running = await em().count(SyncRun, { connection: connectionId, status: { $in: [SyncRunStatus.QUEUED, SyncRunStatus.RUNNING] } });
    return pending === 0 && running === 0 ? true : undefined;
  });
}

/**
 * Orders applied to EGDC stock through the connection. Adjustments keyed `<order id>:cancelled`
 * (a cancellation) and `listing-edit:...` (a stock edit on the marketplace) are not orders.
 */
export async function countOrders(em: EntityManagerFactory, connectionId: string): Promise<number> {
  // Not a pattern on colons: Shopify order ids (gid://shopify/Order/1) contain them.
  const rows = await em().find(InventoryAdjustment, { connection: connectionId }, { fields: ['externalOrderId'] });
  const orderIds = rows.map((row) => row.externalOrderId).filter((id) => !id.startsWith('listing-edit:') && !id.endsWith(':cancelled'));
  return new Set(orderIds).size;
}

/** Listings whose stock the connection's push runs wrote to the marketplace. */
export async function countPushed(em: EntityManagerFactory, connectionId: string): Promise<number> {
  const runs = await em().find(SyncRun, { connection: connectionId, kind: SyncRunKind.PUSH });
  return runs.reduce((sum, run) => sum + run.writtenCount, 0);
}
