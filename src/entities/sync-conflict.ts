import { type Opt, Entity, Enum, ManyToOne, Property } from '@mikro-orm/core';
import { TenantEntity } from './base.js';
import { SyncConflictStatus } from './enums.js';
import { Listing } from './listing.js';

/** A field of a listing that both EGDC and the marketplace changed since the agreed base value. */
@Entity({ tableName: 'sync_conflict' })
export class SyncConflict extends TenantEntity {
  @ManyToOne({ entity: () => Listing, deleteRule: 'cascade' })
  listing!: Listing;

  /** Synced field name, such as `stock`. */
  @Property({ type: 'string', length: 32 })
  field!: string;

  @Property({ type: 'json', nullable: true })
  localValue: unknown = null;

  @Property({ type: 'json', nullable: true })
  remoteValue: unknown = null;

  @Property({ type: 'json', nullable: true })
  baseValue: unknown = null;

  @Property({ type: 'Date', nullable: true })
  localChangedAt: Date | null = null;

  @Property({ type: 'Date', nullable: true })
  remoteChangedAt: Date | null = null;

  @Enum({ items: () => SyncConflictStatus, nativeEnumName: 'sync_conflict_status' })
  status: Opt<SyncConflictStatus> = SyncConflictStatus.OPEN;

  /** Settlement: a policy name (`LOWEST_STOCK`) or `MANUAL:<value>`. */
  @Property({ type: 'string', length: 64, nullable: true })
  resolution: string | null = null;

  @Property({ type: 'json', nullable: true })
  resolvedValue: unknown = null;

  @Property({ type: 'string', length: 255, nullable: true })
  resolvedBy: string | null = null;

  @Property({ type: 'Date', nullable: true })
  resolvedAt: Date | null = null;
}
