import { randomUUID } from 'node:crypto';
import { type Opt, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * Columns every stored row has. `tenantId` is what the global `tenant` filter matches, so no query
 * reads or writes another tenant's rows unless it disables the filter by name.
 */
export abstract class TenantEntity {
  @PrimaryKey({ type: 'uuid' })
  id: Opt<string> = randomUUID();

  @Property({ type: 'string', length: 64, index: true })
  tenantId!: string;

  @Property({ type: 'Date' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'Date', onUpdate: () => new Date() })
  updatedAt: Opt<Date> = new Date();
}
