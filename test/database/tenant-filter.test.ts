import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Marketplace, MarketplaceConnection } from '../../src/entities/index.js';
import { crossTenantEntityManager, tenantEntityManager } from '../../src/database/orm.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

describe('tenant filter', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    for (const tenantId of ['tenant-a', 'tenant-b']) {
      const em = tenantEntityManager(database.orm, tenantId);
      em.create(MarketplaceConnection, { tenantId, marketplace: Marketplace.MERCADOLIBRE, externalAccountId: `seller-${tenantId}` });
      await em.flush();
    }
  });

  afterAll(async () => {
    await database.close();
  });

  it('scopes reads to the tenant', async () => {
    const rows = await tenantEntityManager(database.orm, 'tenant-a').find(MarketplaceConnection, {});
    expect(rows.map((row) => row.externalAccountId)).toEqual(['seller-tenant-a']);
  });

  it('hides another tenant row fetched by id', async () => {
    const [other] = await tenantEntityManager(database.orm, 'tenant-b').find(MarketplaceConnection, {});
    const found = await tenantEntityManager(database.orm, 'tenant-a').findOne(MarketplaceConnection, { id: other!.id });
    expect(found).toBeNull();
  });

  it('rejects a query with no tenant set', async () => {
    const em = database.orm.em.fork();
    await expect(em.find(MarketplaceConnection, {})).rejects.toThrow(/filter 'tenant'/);
  });

  it('reads every tenant only when asked by name', async () => {
    const rows = await crossTenantEntityManager(database.orm).find(MarketplaceConnection, {}, { filters: { tenant: false } });
    expect(rows).toHaveLength(2);
  });
});
