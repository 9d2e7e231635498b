import { tenantEntityManager } from '../database/orm.js';
import { MarketplaceConnection, SyncRun } from '../entities/index.js';
import type { ImportCheckpoint } from '../connectors/shared/types.js';
import { sessionFor, type SyncDependencies } from './context.js';
import { applyRemoteListings } from './remote-listings.js';
import { beginRun, finishRun } from './runs.js';

/**
 * Runs a listing import: reads every page from the marketplace, stores the listings, merges stock,
 * and schedules the pushes it found. The checkpoint is saved after each page, so a failed or
 * restarted run resumes at the page it stopped on.
 */
export async function runListingImport(deps: SyncDependencies, input: { tenantId: string; connectionId: string; syncRunId: string }): Promise<SyncRun> {
  const em = tenantEntityManager(deps.orm, input.tenantId);
  const run = await em.findOneOrFail(SyncRun, { id: input.syncRunId }, { populate: ['connection'] });
  const connection = run.connection;
  const connector = deps.connectors.get(connection.marketplace);
  const session = sessionFor(deps, connection, run);
  const pushTo = new Set<string>();
  await beginRun(em, deps.events, run);
  try {
    let checkpoint = (connection.importCheckpoint as ImportCheckpoint | null) ?? null;
    do {
      const page = await connector.importListings(session, checkpoint);
      const outcome = await em.transactional(async (tx) => {
        const result = await applyRemoteListings(tx, tx.merge(connection), page.listings, tx.merge(run));
        connection.importCheckpoint = page.checkpoint;
        return result;
      });
      run.readCount += page.listings.length;
      run.writtenCount += outcome.created + outcome.updated;
      run.conflictCount += outcome.conflicts;
      run.skippedCount += outcome.unlinked;
      for (const id of outcome.connectionIds) pushTo.add(id);
      checkpoint = page.checkpoint;
      await em.flush();
      await deps.events.publish({
        type: 'LISTING_UPDATED',
        tenantId: connection.tenantId,
        connectionId: connection.id,
        syncRunId: run.id,
        data: { imported: run.readCount, page: page.listings.length },
      });
    } while (checkpoint !== null);
    connection.lastImportAt = new Date();
    connection.lastSyncAt = connection.lastImportAt;
    await finishRun(em, deps.events, deps.logger, run);
  } catch (error) {
    await finishRun(em, deps.events, deps.logger, run, error);
    throw error;
  }
  for (const connectionId of pushTo) await deps.scheduler.pushStock({ tenantId: input.tenantId, connectionId });
  return run;
}

export { MarketplaceConnection };
