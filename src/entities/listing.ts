import { type Opt, Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { TenantEntity } from './base.js';
import { ListingPushState, Marketplace } from './enums.js';
import { MarketplaceConnection } from './marketplace-connection.js';
import { SyncRun } from './sync-run.js';

/**
 * One sellable unit on one marketplace, mapped to one EGDC SKU (for footwear, one size of one
 * model and color). Stock is tracked three ways: `localStock` (EGDC), `remoteStock` (marketplace)
 * and `baseStock` (the last level both sides agreed on), which is what conflict detection compares.
 */
@Entity({ tableName: 'listing' })
@Unique({ properties: ['connection', 'externalId', 'externalVariantId'] })
@Index({ properties: ['tenantId', 'sku'] })
export class Listing extends TenantEntity {
  @ManyToOne({ entity: () => MarketplaceConnection, deleteRule: 'cascade' })
  connection!: MarketplaceConnection;

  @Enum({ items: () => Marketplace, nativeEnumName: 'marketplace' })
  marketplace!: Marketplace;

  /** EGDC SKU, from the marketplace's seller SKU field; null when the listing has none. */
  @Property({ type: 'string', length: 128, nullable: true })
  sku: string | null = null;

  /** Item or product id on the marketplace. */
  @Property({ type: 'string', length: 64 })
  externalId!: string;

  /** Variation or variant id; empty string for an item without variations, so the unique key holds. */
  @Property({ type: 'string', length: 64 })
  externalVariantId: Opt<string> = '';

  /** Marketplace id that a stock write needs (for Shopify, the InventoryItem gid), or null when none is known. */
  @Property({ type: 'text', nullable: true })
  stockHandle: string | null = null;

  @Property({ type: 'text' })
  title!: string;

  @Property({ type: 'double', nullable: true })
  price: number | null = null;

  @Property({ type: 'string', length: 3, nullable: true })
  currency: string | null = null;

  /** Marketplace listing status as the marketplace words it (active, paused, closed...). */
  @Property({ type: 'string', length: 32 })
  status!: string;

  @Property({ type: 'string', length: 16, nullable: true })
  size: string | null = null;

  @Property({ type: 'string', length: 64, nullable: true })
  color: string | null = null;

  @Property({ type: 'integer', nullable: true })
  localStock: number | null = null;

  @Property({ type: 'integer', nullable: true })
  remoteStock: number | null = null;

  @Property({ type: 'integer', nullable: true })
  baseStock: number | null = null;

  @Property({ type: 'Date', nullable: true })
  localChangedAt: Date | null = null;

  @Property({ type: 'Date', nullable: true })
  remoteChangedAt: Date | null = null;

  @Enum({ items: () => ListingPushState, nativeEnumName: 'listing_push_state' })
  pushState: Opt<ListingPushState> = ListingPushState.SYNCED;

  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;

  @ManyToOne({ entity: () => SyncRun, nullable: true, deleteRule: 'set null' })
  lastSyncRun: SyncRun | null = null;

  @Property({ type: 'integer', version: true })
  version: Opt<number> = 1;
}
