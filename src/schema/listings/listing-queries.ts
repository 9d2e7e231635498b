import { raw, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '../../database/orm.js';
import { Listing } from '../../entities/index.js';
import { badInputError, parseId } from '../common/errors.js';
import { buildPage, type Page, type PageRequest } from '../common/pagination.js';
import type { ListingFilter } from './listing-filter.input.js';

/** Listing lists are ordered by id: unique and immutable, so keyset pages never repeat or skip a row. */

const MAX_SKUS = 200;
const MAX_SEARCH_LENGTH = 100;
const MAX_STATUS_LENGTH = 32;

export function listingCursor(listing: Listing): { id: string } {
  return { id: listing.id };
}

/** Turns a validated filter into a query condition; the tenant filter is added by the ORM. */
export function listingWhere(filter: ListingFilter | null | undefined): FilterQuery<Listing> {
  if (!filter) return {};
  const conditions: Array<FilterQuery<Listing>> = [];
  if (filter.connectionId) conditions.push({ connection: parseId(filter.connectionId, 'filter.connectionId') });
  if (filter.marketplace) conditions.push({ marketplace: filter.marketplace });
  if (filter.pushState) conditions.push({ pushState: filter.pushState });
  if (filter.status) {
    if (filter.status.length > MAX_STATUS_LENGTH) throw badInputError('errors.input.tooLong', { argument: 'filter.status', max: MAX_STATUS_LENGTH });
    conditions.push({ status: filter.status });
  }
  if (filter.sku) conditions.push({ sku: filter.sku });
  if (filter.skus) {
    if (filter.skus.length > MAX_SKUS) throw badInputError('errors.input.tooMany', { argument: 'filter.skus', max: MAX_SKUS });
    conditions.push({ sku: { $in: filter.skus } });
  }
  if (filter.search) {
    if (filter.search.length > MAX_SEARCH_LENGTH) throw badInputError('errors.input.tooLong', { argument: 'filter.search', max: MAX_SEARCH_LENGTH });
    conditions.push({ title: { $ilike: `%${escapeLikePattern(filter.search)}%` } });
  }
  return conditions.length > 0 ? { $and: conditions } : {};
}

export async function findListingPage(em: EntityManager, where: FilterQuery<Listing>, page: PageRequest<{ id: string }>): Promise<Page<Listing>> {
  const condition = page.after ? { $and: [where, { id: { $gt: page.after.id } }] } : where;
  const rows = await em.find(Listing, condition, { orderBy: { id: 'asc' }, limit: page.first + 1 });
  return buildPage(rows, page.first, listingCursor, () => em.count(Listing, where));
}

export interface ConnectionListingsKey {
  connectionId: string;
  first: number;
  afterId: string | null;
}

/**
 * Loads one listing page per connection in two queries per distinct (first, after): a window
 * query that ranks ids within each connection, then the rows themselves.
 */
export async function listingsOfConnections(
  em: EntityManager,
  keys: readonly ConnectionListingsKey[],
  countOfConnection: (connectionId: string) => Promise<number>,
): Promise<Array<Page<Listing>>> {
  const groups = new Map<string, ConnectionListingsKey[]>();
  for (const key of keys) {
    const groupKey = `${key.first}|${key.afterId ?? ''}`;
    groups.set(groupKey, [...(groups.get(groupKey) ?? []), key]);
  }
  const rowsByConnection = new Map<string, Listing[]>();
  for (const group of groups.values()) {
    const { first, afterId } = group[0]!;
    const connectionIds = group.map((key) => key.connectionId);
    const rows = await firstListingsPerConnection(em, connectionIds, first + 1, afterId);
    for (const connectionId of connectionIds) {
      rowsByConnection.set(`${connectionId}|${first}|${afterId ?? ''}`, rows.filter((row) => row.connection.id === connectionId));
    }
  }
  return keys.map((key) => {
    const rows = rowsByConnection.get(`${key.connectionId}|${key.first}|${key.afterId ?? ''}`) ?? [];
    return buildPage(rows, key.first, listingCursor, () => countOfConnection(key.connectionId));
  });
}

async function firstListingsPerConnection(em: EntityManager, connectionIds: string[], limit: number, afterId: string | null): Promise<Listing[]> {
  const ranked = em
    .createQueryBuilder(Listing, 'l')
    .select(['l.id', raw('row_number() over (partition by l.connection_id order by l.id) as position')])
    .where({ connection: { $in: connectionIds }, ...(afterId ? { id: { $gt: afterId } } : {}) });
  await ranked.applyFilters();
  const knex = em.getKnex();
  const ids = await em.getConnection().execute<Array<{ id: string }>>(
    knex.select('id').from(ranked.getKnexQuery().as('ranked')).where('position', '<=', limit),
  );
  if (ids.length === 0) return [];
  return em.find(Listing, { id: { $in: ids.map((row) => row.id) } }, { orderBy: { id: 'asc' } });
}

/** Escapes LIKE wildcards so that user text matches literally (backslash is PostgreSQL's default escape). */
function escapeLikePattern(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
