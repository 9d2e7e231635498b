import { type Opt, Entity, Enum, ManyToOne, Property } from '@mikro-orm/core';
import { TenantEntity } from './base.js';
import { SyncRunKind, SyncRunStatus } from './enums.js';
import { MarketplaceConnection } from './marketplace-connection.js';

/** One execution of a sync job, with what it read, wrote and spent. */
@Entity({ tableName: 'sync_run' })
export class SyncRun extends TenantEntity {
  @ManyToOne({ entity: () => MarketplaceConnection, deleteRule: 'cascade' })
  connection!: MarketplaceConnection;

  @Enum({ items: () => SyncRunKind, nativeEnumName: 'sync_run_kind' })
  kind!: SyncRunKind;

  /** Origin of the run: `api`, `authorization`, `stock-change`. */
  @Property({ type: 'string', length: 32 })
  trigger!: string;

  @Enum({ items: () => SyncRunStatus, nativeEnumName: 'sync_run_status' })
  status: Opt<SyncRunStatus> = SyncRunStatus.QUEUED;

  @Property({ type: 'integer' })
  readCount: Opt<number> = 0;

  @Property({ type: 'integer' })
  writtenCount: Opt<number> = 0;

  @Property({ type: 'integer' })
  skippedCount: Opt<number> = 0;

  @Property({ type: 'integer' })
  conflictCount: Opt<number> = 0;

  @Property({ type: 'integer' })
  errorCount: Opt<number> = 0;

  @Property({ type: 'integer' })
  apiCalls: Opt<number> = 0;

  @Property({ type: 'Date', nullable: true })
  startedAt: Date | null = null;

  @Property({ type: 'Date', nullable: true })
  finishedAt: Date | null = null;

  /** Failure summary for merchants and engineers; never contains a secret. */
  @Property({ type: 'text', nullable: true })
  error: string | null = null;
}
