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

  /** When a user last disconnected the account; kept after a reconnect, as history. */
  @Property({ type: 'Date', nullable: true })
  disconnectedAt: Date | null = null;

  /**
   * When the connection's circuit breaker last opened after repeated marketplace failures (5xx,
   * network errors, timeouts); null while calls work. Cleared when a test call succeeds.
   */
  @Property({ type: 'Date', nullable: true })
  degradedAt: Date | null = null;

  /** The failure that opened the circuit, for the merchant and support; null when not degraded. */
  @Property({ type: 'text', nullable: true })
  degradedReason: string | null = null;

  /** Whether marketplace calls are paused by an open circuit breaker. */
  get degraded(): Opt<boolean> {
    return this.degradedAt !== null;
  }

  /** Checkpoint of an unfinished listing import, so a restarted job resumes where it stopped. */
  @Property({ type: 'json', nullable: true })
  importCheckpoint?: Record<string, unknown> | null = null;
}
