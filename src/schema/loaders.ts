import DataLoader from 'dataloader';
import { raw, type EntityName, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '../database/orm.js';
import { Listing, MarketplaceConnection, SyncRun, type TenantEntity } from '../entities/index.js';
import { listingsOfConnections, type ConnectionListingsKey } from './listings/listing-queries.js';
import type { Page } from './common/pagination.js';

/**
 * Batch loaders of one request. Each reads through the request's tenant-scoped entity manager,
 * so a relation costs one SQL query per distinct key set, whatever the size of the parent list.
 */
export interface Loaders {
  connection: DataLoader<string, MarketplaceConnection | null>;
  listing: DataLoader<string, Listing | null>;
  syncRun: DataLoader<string, SyncRun | null>;
  listingsBySku: DataLoader<string, Listing[]>;
  listingCountByConnection: DataLoader<string, number>;
  listingPageByConnection: DataLoader<ConnectionListingsKey, Page<Listing>, string>;
}

export function createLoaders(em: EntityManager): Loaders {
  const listingCountByConnection = new DataLoader<string, number>(async (connectionIds) => {
    const query = em
      .createQueryBuilder(Listing, 'l')
      .select(['l.connection', raw('count(*) as total')])
      .where({ connection: { $in: [...connectionIds] } })
      .groupBy('l.connection');
    // QueryBuilder applies the tenant filter only when asked.
    await query.applyFilters();
    const rows = await query.execute<Array<{ connection: string; total: string }>>('all');
    const totals = new Map(rows.map((row) => [row.connection, Number(row.total)]));
    return connectionIds.map((id) => totals.get(id) ?? 0);
  });
  return {
    connection: byIdLoader(em, MarketplaceConnection),
    listing: byIdLoader(em, Listing),
    syncRun: byIdLoader(em, SyncRun),
    listingsBySku: new DataLoader(async (skus) => {
      const rows = await em.find(Listing, { sku: { $in: [...skus] } }, { orderBy: { marketplace: 'asc', id: 'asc' } });
      return skus.map((sku) => rows.filter((row) => row.sku === sku));
    }),
    listingCountByConnection,
    listingPageByConnection: new DataLoader((keys) => listingsOfConnections(em, keys, (id) => listingCountByConnection.load(id)), {
      cacheKeyFn: (key) => `${key.connectionId}|${key.first}|${key.afterId ?? ''}`,
    }),
  };
}

function byIdLoader<T extends TenantEntity>(em: EntityManager, entity: EntityName<T>): DataLoader<string, T | null> {
  return new DataLoader(async (ids) => {
    const rows = await em.find(entity, { id: { $in: [...ids] } } as unknown as FilterQuery<T>);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}
