import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import type { StockWriteBatch } from '../connectors/shared/contract.js';
import { Listing, ListingPushState, type MarketplaceConnection } from '../entities/index.js';

/** Listings per page when requests carry listings; rounded down to whole requests. */
const LISTINGS_PER_PAGE = 200;
/** Items per page when requests carry whole items; rounded down to whole requests. */
const ITEMS_PER_PAGE = 50;

/**
 * Reads the connection's listings waiting for a push, in pages that fill the connector's requests:
 * every page contains whole requests, so only the last request of the push can be partly filled, and
 * an item is never split over two pages (which would cost a second request for it). Each listing
 * appears once with its current `localStock`, so stock changes queued for one listing since the
 * last push are sent as one write of the newest level. Listings without a local level are skipped.
 */
export async function* pendingPushPages(em: EntityManager, connection: MarketplaceConnection, batch: StockWriteBatch): AsyncGenerator<Listing[]> {
  const pending: FilterQuery<Listing> = { connection: connection.id, pushState: ListingPushState.PENDING_PUSH, localStock: { $ne: null } };
  const size = Math.max(1, Math.floor(batch.size));

  if (batch.unit === 'listing') {
    const pageSize = Math.max(1, Math.floor(LISTINGS_PER_PAGE / size)) * size;
    // Keyset paging on the uuid primary key; the first page has no lower bound ('' is not a valid uuid).
    let lastId: string | null = null;
    for (;;) {
      const after: FilterQuery<Listing> = lastId === null ? {} : { id: { $gt: lastId } };
      const page: Listing[] = await em.find(Listing, { ...pending, ...after }, { orderBy: { id: 'asc' }, limit: pageSize });
      if (page.length === 0) return;
      lastId = page[page.length - 1]!.id;
      yield page;
    }
  }

  const itemsPerPage = Math.max(1, Math.floor(ITEMS_PER_PAGE / size)) * size;
  let lastItem: string | null = null;
  for (;;) {
    const qb = em.createQueryBuilder(Listing, 'l')
      .select('l.externalId', true)
      .where({ ...pending, ...(lastItem === null ? {} : { externalId: { $gt: lastItem } }) })
      .orderBy({ externalId: 'asc' })
      .limit(itemsPerPage);
    await qb.applyFilters();
    const items = (await qb.execute<Array<{ externalId: string }>>('all')).map((row) => row.externalId);
    if (items.length === 0) return;
    lastItem = items[items.length - 1]!;
    yield await em.find(Listing, { ...pending, externalId: { $in: items } }, { orderBy: { externalId: 'asc', externalVariantId: 'asc' } });
  }
}
