import { type Opt, Entity, Property, Unique } from '@mikro-orm/core';
import { TenantEntity } from './base.js';

/**
 * A tenant's product as EGDC core reported it (catalog import or stock report): one footwear SKU,
 * meaning one model, color and size. This service keeps the copy it syncs from; EGDC owns it.
 */
@Entity({ tableName: 'product' })
@Unique({ properties: ['tenantId', 'sku'] })
export class Product extends TenantEntity {
  @Property({ type: 'string', length: 128 })
  sku!: string;

  @Property({ type: 'string', length: 14, nullable: true })
  ean: string | null = null;

  @Property({ type: 'string', length: 128 })
  category!: string;

  @Property({ type: 'string', length: 128 })
  brand!: string;

  @Property({ type: 'string', length: 128 })
  model!: string;

  @Property({ type: 'string', length: 128 })
  color!: string;

  @Property({ type: 'string', length: 16 })
  size!: string;

  /** Unit cost in MXN. */
  @Property({ type: 'double' })
  cost!: number;

  /** Price multipliers over cost per marketplace, e.g. { MERCADOLIBRE: 2.2 }. */
  @Property({ type: 'json' })
  priceModifiers: Opt<Record<string, number>> = {};

  /** Units on hand per EGDC warehouse, e.g. { egdc: 3, fami: 5 }. */
  @Property({ type: 'json' })
  stockByWarehouse: Opt<Record<string, number>> = {};

  /** Sum of `stockByWarehouse`: the level offered on every marketplace. */
  @Property({ type: 'integer' })
  stock: Opt<number> = 0;

  /** Marketplaces and channels where the merchant sells this SKU (the export's platform flags). */
  @Property({ type: 'json' })
  channels: Opt<string[]> = [];
}
