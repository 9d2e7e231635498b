import { Entity, Enum, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { TenantEntity } from './base.js';
import { Marketplace } from './enums.js';
import { MarketplaceConnection } from './marketplace-connection.js';

/**
 * A stock change a marketplace caused (an order line), applied once and reported to EGDC. The
 * unique key on order and SKU makes a repeated notification for the same order a no-op.
 */
@Entity({ tableName: 'inventory_adjustment' })
@Unique({ properties: ['tenantId', 'marketplace', 'externalOrderId', 'sku'] })
export class InventoryAdjustment extends TenantEntity {
  @ManyToOne({ entity: () => MarketplaceConnection, deleteRule: 'cascade' })
  connection!: MarketplaceConnection;

  @Enum({ items: () => Marketplace, nativeEnumName: 'marketplace' })
  marketplace!: Marketplace;

  @Property({ type: 'string', length: 64 })
  externalOrderId!: string;

  @Property({ type: 'string', length: 128 })
  sku!: string;

  /** Change in units: negative for a sale, positive for a cancellation or return. */
  @Property({ type: 'integer' })
  delta!: number;

  /** EGDC stock level after the change was applied. */
  @Property({ type: 'integer' })
  stockAfter!: number;

  /** When EGDC acknowledged the change; null while it is still in the outbox. */
  @Property({ type: 'Date', nullable: true })
  reportedAt: Date | null = null;
}
