import type { MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { tenantEntityManager } from '../database/orm.js';
import { ConnectionStatus, MarketplaceConnection, SyncRun, SyncRunKind } from '../entities/index.js';
import { AppError } from '../errors.js';
import type { SyncPort } from '../services.js';
import type { SyncScheduler } from './scheduling.js';

const CONNECTION_ID = z.uuid();

/** Starts sync runs on request (GraphQL, a new authorization); the jobs do the work. */
export class SyncService implements SyncPort {
  constructor(private readonly deps: { orm: MikroORM; scheduler: SyncScheduler }) {}

  async startSync(input: { tenantId: string; connectionId: string; kind: SyncRunKind; trigger: string }): Promise<SyncRun> {
    const em = tenantEntityManager(this.deps.orm, input.tenantId);
    // An id that is not a uuid names no connection; PostgreSQL would reject it with a driver error.
    const connection = CONNECTION_ID.safeParse(input.connectionId).success ? await em.findOne(MarketplaceConnection, { id: input.connectionId }) : null;
    if (!connection) {
      throw new AppError('NOT_FOUND', 'errors.notFound.connection', `Connection ${input.connectionId} was not found.`, { id: input.connectionId });
    }
    if (connection.status !== ConnectionStatus.ACTIVE) {
      throw new AppError('CONFLICT', 'errors.conflict.connectionNotActive', `Connection ${input.connectionId} is ${connection.status}; reconnect it before syncing.`, { id: input.connectionId, status: connection.status });
    }
    const run = em.create(SyncRun, { tenantId: input.tenantId, connection, kind: input.kind, trigger: input.trigger });
    await em.flush();
    if (input.kind === SyncRunKind.PUSH) {
      await this.deps.scheduler.pushStock({ tenantId: input.tenantId, connectionId: connection.id, syncRunId: run.id });
      return run;
    }
    await this.deps.scheduler.importListings({ tenantId: input.tenantId, connectionId: connection.id, syncRunId: run.id });
    return run;
  }
}
