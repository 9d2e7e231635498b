import { type Opt, Entity, Enum, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { TenantEntity } from './base.js';
import { Marketplace, WebhookDeliveryStatus } from './enums.js';
import { MarketplaceConnection } from './marketplace-connection.js';

/** Inbox row for one received webhook; the dedupe key makes a redelivery a no-op. */
@Entity({ tableName: 'webhook_delivery' })
@Unique({ properties: ['tenantId', 'marketplace', 'dedupeKey'] })
export class WebhookDelivery extends TenantEntity {
  @Enum({ items: () => Marketplace, nativeEnumName: 'marketplace' })
  marketplace!: Marketplace;

  @ManyToOne({ entity: () => MarketplaceConnection, nullable: true, deleteRule: 'set null' })
  connection: MarketplaceConnection | null = null;

  @Property({ type: 'string', length: 512 })
  dedupeKey!: string;

  @Property({ type: 'string', length: 128 })
  topic!: string;

  /** Resource the notification points at, such as `/orders/2000009876543210`. */
  @Property({ type: 'text', nullable: true })
  resource: string | null = null;

  /** Request body exactly as received, kept for replay and audit. */
  @Property({ type: 'text' })
  rawBody!: string;

  /** `verified`, `unsigned` (MercadoLibre signs nothing) or the reason verification failed. */
  @Property({ type: 'string', length: 64 })
  verification!: string;

  @Enum({ items: () => WebhookDeliveryStatus, nativeEnumName: 'webhook_delivery_status' })
  status: Opt<WebhookDeliveryStatus> = WebhookDeliveryStatus.RECEIVED;

  @Property({ type: 'integer' })
  attempts: Opt<number> = 0;

  /** Times the marketplace sent this same notification again. */
  @Property({ type: 'integer' })
  redeliveries: Opt<number> = 0;

  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;

  @Property({ type: 'Date', nullable: true })
  processedAt: Date | null = null;
}
