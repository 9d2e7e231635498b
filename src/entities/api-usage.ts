import { Entity, Enum, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { TenantEntity } from './base.js';
import { Marketplace } from './enums.js';
import { MarketplaceConnection } from './marketplace-connection.js';

/**
 * Marketplace calls of one connection in one UTC minute, for one endpoint class and one status
 * class. Each process aggregates its calls in memory and adds them to this row with an upsert, so
 * the row contains the sum over all processes.
 */
@Entity({ tableName: 'api_usage' })
@Unique({ name: 'api_usage_bucket_unique', properties: ['tenantId', 'connection', 'bucketStart', 'endpointClass', 'statusClass'] })
export class ApiUsage extends TenantEntity {
  @ManyToOne({ entity: () => MarketplaceConnection, deleteRule: 'cascade' })
  connection!: MarketplaceConnection;

  @Enum({ items: () => Marketplace, nativeEnumName: 'marketplace' })
  marketplace!: Marketplace;

  /** Start of the UTC minute the calls settled in. */
  @Property({ type: 'Date' })
  bucketStart!: Date;

  /** Coarse endpoint name the connector gave the call, such as `stock.write` or `graphql`. */
  @Property({ type: 'string', length: 64 })
  endpointClass!: string;

  /** `2xx`, `3xx`, `4xx`, `429`, `5xx`, or `network` when no response arrived. */
  @Property({ type: 'string', length: 8 })
  statusClass!: string;

  @Property({ type: 'integer' })
  calls!: number;

  /** Sum of the calls' latencies, in milliseconds. */
  @Property({ type: 'double' })
  latencyTotalMs!: number;

  @Property({ type: 'double' })
  latencyMaxMs!: number;

  /** Sum of the calls' costs: Shopify query cost points, 1 per request elsewhere. */
  @Property({ type: 'double' })
  costTotal!: number;
}
