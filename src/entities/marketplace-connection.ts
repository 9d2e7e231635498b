import { type Opt, Entity, Enum, Property, Unique } from '@mikro-orm/core';
import { TenantEntity } from './base.js';
import { ConnectionStatus, Marketplace } from './enums.js';

/** One tenant's authorized account on one marketplace (a MercadoLibre seller, a Shopify shop). */
@Entity({ tableName: 'marketplace_connection' })
@Unique({ properties: ['tenantId', 'marketplace', 'externalAccountId'] })
export class MarketplaceConnection extends TenantEntity {
  @Enum({ items: () => Marketplace, nativeEnumName: 'marketplace' })
  marketplace!: Marketplace;

  /** The marketplace's id for the account: MercadoLibre user id, Shopify shop domain, and so on. */
  @Property({ type: 'string', length: 255 })
  externalAccountId!: string;

  @Property({ type: 'string', length: 255, nullable: true })
  accountName: string | null = null;

  @Enum({ items: () => ConnectionStatus, nativeEnumName: 'connection_status' })
  status: Opt<ConnectionStatus> = ConnectionStatus.PENDING;

  @Property({ type: 'text', nullable: true })
  statusReason: string | null = null;

  @Property({ type: 'Date' })
  statusChangedAt: Opt<Date> = new Date();

  @Property({ type: 'json' })
  scopes: Opt<string[]> = [];

  /**
   * Non-secret data the connector returned when the account was connected and needs on later calls,
   * such as the Shopify shop domain, TikTok's shop cipher or Shein's open key id.
   */
  @Property({ type: 'json' })
  metadata: Opt<Record<string, unknown>> = {};

  /** Conflict policy per synced field, e.g. { stock: 'LOWEST_STOCK' }. */
  @Property({ type: 'json' })
  conflictPolicy: Opt<Record<string, string>> = { stock: 'LOWEST_STOCK' };

  @Property({ type: 'Date', nullable: true })
  lastImportAt: Date | null = null;

  @Property({ type: 'Date', nullable: true })
  lastSyncAt: Date | null = null;

  /** Checkpoint of an unfinished listing import, so a restarted job resumes where it stopped. */
  @Property({ type: 'json', nullable: true })
  importCheckpoint?: Record<string, unknown> | null = null;
}
