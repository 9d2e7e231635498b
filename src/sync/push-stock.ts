import { tenantEntityManager } from '../database/orm.js';
import { Listing, ListingPushState, MarketplaceConnection, SyncRun, SyncRunKind } from '../entities/index.js';
import type { StockChange, StockWriteResult } from '../connectors/shared/types.js';
import { processMetrics } from '../metrics/index.js';
import { sessionFor, type SyncDependencies } from './context.js';
import { lockTenantStock } from './locks.js';
import { pendingPushPages } from './push-pages.js';
import { beginRun, finishRun } from './runs.js';

/**
 * Writes EGDC's stock level of every listing waiting for a push on one connection. Each listing is
 * written once with its newest level, however many changes it had since the last push, in pages
 * that fill the connector's requests. A listing whose local level changed while the write was in
 * flight stays pending for the next push. Returns the run, or null when nothing was waiting and no
 * run was requested, or when another push of the same connection is running.
 */
export async function runStockPush(deps: SyncDependencies, input: { tenantId: string; connectionId: string; syncRunId?: string; trigger?: string }): Promise<SyncRun | null> {
  // One push per connection at a time, across processes: two pushes would read the same pending
  // listings and write them twice. The transaction only holds the lock; the push writes outside it.
  const lockHolder = tenantEntityManager(deps.orm, input.tenantId);
  return lockHolder.transactional(async (tx) => {
    const [row] = await tx.execute<Array<{ locked: boolean }>>('select pg_try_advisory_xact_lock(hashtext(?)) as locked', [`stock-push:${input.connectionId}`]);
    if (!row?.locked) {
      // The running push schedules another when listings are still pending at its end, so an
      // automatic push can stop here. A requested run must still run: its job retries later.
      if (input.syncRunId) throw new Error(`Another stock push of connection ${input.connectionId} is running; the requested push ${input.syncRunId} will be retried.`);
      deps.logger.debug({ tenantId: input.tenantId, connectionId: input.connectionId }, 'stock push already running');
      return null;
    }
    return pushPendingListings(deps, input);
  });
}

async function pushPendingListings(deps: SyncDependencies, input: { tenantId: string; connectionId: string; syncRunId?: string; trigger?: string }): Promise<SyncRun | null> {
  const em = tenantEntityManager(deps.orm, input.tenantId);
  const connection = await em.findOneOrFail(MarketplaceConnection, { id: input.connectionId });
  // A push someone asked for (startSync) has its run already and records it even with nothing to do.
  const requested = input.syncRunId ? await em.findOneOrFail(SyncRun, { id: input.syncRunId, connection }) : null;
  const pending = await em.count(Listing, pendingFilter(connection));
  if (pending === 0 && !requested) return null;
  const run = requested ?? em.create(SyncRun, { tenantId: input.tenantId, connection, kind: SyncRunKind.PUSH, trigger: input.trigger ?? 'stock-change' });
  await beginRun(em, deps.events, run);
  const connector = deps.connectors.get(connection.marketplace);
  const session = sessionFor(deps, connection, run);
  try {
    for await (const page of pendingPushPages(em, connection, connector.stockWriteBatch)) {
      const sent = new Map<string, { listing: Listing; quantity: number }>();
      const changes: StockChange[] = page.map((listing) => {
        sent.set(changeKey(listing.externalId, listing.externalVariantId), { listing, quantity: listing.localStock! });
        // The handle and the last known marketplace level let a compare-and-set write skip its read.
        return {
          externalId: listing.externalId,
          externalVariantId: listing.externalVariantId || null,
          quantity: listing.localStock!,
          stockHandle: listing.stockHandle,
          expectedQuantity: listing.remoteStock,
        };
      });
      run.readCount += changes.length;
      const result = await connector.writeStock(session, changes);
      processMetrics().countStockPush(connection.marketplace, { applied: result.applied.length, failed: result.failed.length });
      await recordPushResult(deps, input.tenantId, run, sent, result);
    }
    await finishRun(em, deps.events, deps.logger, run);
  } catch (error) {
    await finishRun(em, deps.events, deps.logger, run, error);
    throw error;
  }
  if (await em.count(Listing, pendingFilter(connection))) {
    // NOTE: retryable failures are retried by another push after the debounce delay, with no
    // limit. While the connection's circuit breaker is open, those pushes fail at once without
    // calling the marketplace, so a marketplace that keeps failing gets one test call per cooldown
    // and worker process.
    await deps.scheduler.pushStock({ tenantId: input.tenantId, connectionId: connection.id });
  }
  if (run.writtenCount > 0) {
    await deps.events.publish({ type: 'STOCK_PUSHED', tenantId: input.tenantId, connectionId: connection.id, syncRunId: run.id, data: { listings: run.writtenCount } });
  }
  return run;
}

async function recordPushResult(
  deps: SyncDependencies,
  tenantId: string,
  run: SyncRun,
  sent: Map<string, { listing: Listing; quantity: number }>,
  result: StockWriteResult,
): Promise<void> {
  // A fresh read, under the tenant's stock lock, shows local changes that arrived during the write.
  await tenantEntityManager(deps.orm, tenantId).transactional(async (em) => {
    await lockTenantStock(em, tenantId);
    const ids = [...sent.values()].map((entry) => entry.listing.id);
    const current = new Map((await em.find(Listing, { id: { $in: ids } })).map((listing) => [listing.id, listing]));
    const now = new Date();
    for (const change of result.applied) {
      const entry = sent.get(changeKey(change.externalId, change.externalVariantId ?? ''));
      const listing = entry && current.get(entry.listing.id);
      if (!entry || !listing) continue;
      listing.remoteStock = entry.quantity;
      listing.baseStock = entry.quantity;
      listing.remoteChangedAt = now;
      listing.lastError = null;
      listing.lastSyncRun = em.getReference(SyncRun, run.id);
      listing.pushState = listing.localStock === entry.quantity ? ListingPushState.SYNCED : ListingPushState.PENDING_PUSH;
      run.writtenCount += 1;
    }
    for (const failure of result.failed) {
      const entry = sent.get(changeKey(failure.change.externalId, failure.change.externalVariantId ?? ''));
      const listing = entry && current.get(entry.listing.id);
      if (!listing) continue;
      listing.lastError = failure.error.message;
      listing.pushState = failure.error.retryable ? ListingPushState.PENDING_PUSH : ListingPushState.FAILED;
      run.errorCount += 1;
      // Rejections are logged one by one because each needs attention; retryable failures are summed.
      if (!failure.error.retryable) {
        deps.logger.warn({ tenantId, listingId: listing.id, kind: failure.error.kind, code: failure.error.code, marketplaceMessage: failure.error.marketplaceMessage }, 'stock write rejected for a listing');
      }
    }
    const retryable = result.failed.filter((failure) => failure.error.retryable);
    if (retryable.length > 0) {
      const first = retryable[0]!.error;
      deps.logger.warn({ tenantId, syncRunId: run.id, listings: retryable.length, kind: first.kind, code: first.code, status: first.status }, 'stock writes failed and will be retried');
    }
    await em.flush();
  });
}

/** Listings a push writes; one without a local level has nothing to send and is left as it is. */
function pendingFilter(connection: MarketplaceConnection) {
  return { connection, pushState: ListingPushState.PENDING_PUSH, localStock: { $ne: null } };
}

function changeKey(externalId: string, externalVariantId: string): string {
  return `${externalId}\u0000${externalVariantId}`;
}
