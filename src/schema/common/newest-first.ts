import type { EntityName, FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '../../database/orm.js';
import type { TenantEntity } from '../../entities/index.js';
import { buildPage, type Page, type PageRequest } from './pagination.js';

export interface CreatedAtCursor {
  createdAt: string;
  id: string;
}

export function createdAtCursor(row: TenantEntity): CreatedAtCursor {
  return { createdAt: row.createdAt.toISOString(), id: row.id };
}

/**
 * Reads one page of `entity` ordered newest first by (createdAt, id), continuing after the cursor.
 * NOTE: the cursor keeps createdAt in milliseconds, which is the precision the ORM writes. A row
 * inserted by raw SQL with microseconds could be skipped or repeated at a page boundary.
 */
export async function findNewestFirstPage<T extends TenantEntity>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  page: PageRequest<CreatedAtCursor>,
): Promise<Page<T>> {
  let condition = where;
  if (page.after) {
    const createdAt = new Date(page.after.createdAt);
    const afterCursor = { $or: [{ createdAt: { $lt: createdAt } }, { createdAt, id: { $lt: page.after.id } }] };
    condition = { $and: [where, afterCursor] } as unknown as FilterQuery<T>;
  }
  const rows = await em.find(entity, condition, {
    orderBy: { createdAt: 'desc', id: 'desc' } as never,
    limit: page.first + 1,
  });
  return buildPage(rows, page.first, createdAtCursor, () => em.count(entity, where));
}
