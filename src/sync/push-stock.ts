import type { FilterQuery } from '@mikro-orm/postgresql';
import { tenantEntityManager } from '../database/orm.js';
import { Listing, ListingPushState, MarketplaceConnection, SyncRun, SyncRunKind } from '../entities/index.js';
import type { StockChange, StockWriteResult } from '../connectors/shared/types.js';
import { sessionFor, type SyncDependencies } from './context.js';
import { lockTenantStock } from './locks.js';
import { beginRun, finishRun } from './runs.js';

/** Listings written per connector call batch; connectors split further to the marketplace's own limit. */
const PUSH_BATCH = 200;

/**
 * Writes EGDC's stock level of every listing waiting for a push on one connection. A listing whose
 * local level changed while the write was in flight stays pending for the next push. Returns the
 * run, or null when nothing was waiting and no run was requested, or when another push of the same
 * connection is running.
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
  const pending = await em.count(Listing, { connection, pushState: ListingPushState.PENDING_PUSH });
  if (pending === 0 && !requested) return null;
  const run = requested ?? em.create(SyncRun, { tenantId: input.tenantId, connection, kind: SyncRunKind.PUSH, trigger: input.trigger ?? 'stock-change' });
  await beginRun(em, deps.events, run);
  const connector = deps.connectors.get(connection.marketplace);
  const session = sessionFor(deps, connection, run);
  try {
    // Keyset paging on the uuid primary key; the first page has no lower bound ('' is not a valid uuid).
    let lastId: string | null = null;
    for (;;) {
      const after: FilterQuery<Listing> = lastId === null ? {} : { id: { $gt: lastId } };
      const batch: Listing[] = await em.find(Listing, { connection, pushState: ListingPushState.PENDING_PUSH, ...after }, { orderBy: { id: 'asc' }, limit: PUSH_BATCH });
      if (batch.length === 0) break;
      lastId = batch[batch.length - 1]!.id;
      const sent = new Map<string, { listing: Listing; quantity: number }>();
      const changes: StockChange[] = batch.filter((listing) => listing.localStock !== null).map((listing) => {
        sent.set(changeKey(listing.externalId, listing.externalVariantId), { listing, quantity: listing.localStock! });
        return { externalId: listing.externalId, externalVariantId: listing.externalVariantId || null, quantity: listing.localStock! };
      });
      run.readCount += changes.length;
      const result = await connector.writeStock(session, changes);
      await recordPushResult(deps, input.tenantId, run, sent, result);
    }
    await finishRun(em, deps.events, deps.logger, run);
  } catch (error) {
    await finishRun(em, deps.events, deps.logger, run, error);
    throw error;
  }
  if (await em.count(Listing, { connection, pushState: ListingPushState.PENDING_PUSH })) {
    // NOTE: retryable failures are retried by another push after the debounce delay. Until a
    // circuit breaker exists, a marketplace that keeps failing is retried at that pace.
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

function changeKey(externalId: string, externalVariantId: string): string {
  return `${externalId}\u0000${externalVariantId}`;
}
