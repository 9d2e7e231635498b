import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { SyncRun, SyncRunStatus } from '../entities/index.js';
import { processMetrics } from '../metrics/index.js';
import type { EventsPort } from '../services.js';

/** Marks a run as running and publishes it. */
export async function beginRun(em: EntityManager, events: EventsPort, run: SyncRun): Promise<void> {
  run.status = SyncRunStatus.RUNNING;
  run.startedAt = new Date();
  await em.flush();
  await events.publish({ type: 'SYNC_RUN_STARTED', tenantId: run.tenantId, connectionId: run.connection.id, syncRunId: run.id, data: { kind: run.kind } });
}

/** Records the end of a run (with `error` when it failed) and publishes its counts. */
export async function finishRun(em: EntityManager, events: EventsPort, logger: Logger, run: SyncRun, error?: unknown): Promise<void> {
  run.status = error === undefined ? SyncRunStatus.SUCCEEDED : SyncRunStatus.FAILED;
  run.finishedAt = new Date();
  if (error !== undefined) {
    run.error = error instanceof Error ? error.message : String(error);
    run.errorCount += 1;
  }
  await em.flush();
  processMetrics().countSyncRun(run.kind, run.status);
  const log = logger.child({ tenantId: run.tenantId, connectionId: run.connection.id, syncRunId: run.id, kind: run.kind });
  if (error === undefined) log.info({ read: run.readCount, written: run.writtenCount, apiCalls: run.apiCalls }, 'sync run succeeded');
  else log.error({ err: error }, 'sync run failed');
  await events.publish({
    type: 'SYNC_RUN_FINISHED',
    tenantId: run.tenantId,
    connectionId: run.connection.id,
    syncRunId: run.id,
    data: { kind: run.kind, status: run.status, read: run.readCount, written: run.writtenCount, conflicts: run.conflictCount, errors: run.errorCount, apiCalls: run.apiCalls },
  });
}
