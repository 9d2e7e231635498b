import type { EntityManager } from '@mikro-orm/postgresql';
import { TENANT_FILTER } from '../database/orm.js';
import { Listing, ListingPushState, Product, SyncConflict, SyncConflictStatus } from '../entities/index.js';
import { lockTenantStock } from './locks.js';

/**
 * Copies EGDC's stock level of each SKU to every listing of that SKU, on every connection, and
 * marks the listings whose marketplace level differs as waiting for a push. A listing with an open
 * stock conflict is not marked: the new level is recorded on the conflict instead. Flushes nothing.
 * Returns the ids of the connections that now have work to push.
 */
export async function propagateLocalStock(em: EntityManager, skus: string[]): Promise<Set<string>> {
  const connectionIds = new Set<string>();
  if (skus.length === 0) return connectionIds;
  const products = await em.find(Product, { sku: { $in: skus } });
  const stockBySku = new Map(products.map((product) => [product.sku, product.stock]));
  const listings = await em.find(Listing, { sku: { $in: skus } });
  const openConflicts = listings.length > 0 ? await em.find(SyncConflict, { listing: { $in: listings }, field: 'stock', status: SyncConflictStatus.OPEN }) : [];
  const conflictByListing = new Map(openConflicts.map((conflict) => [conflict.listing.id, conflict]));
  const now = new Date();
  for (const listing of listings) {
    const stock = stockBySku.get(listing.sku ?? '');
    if (stock === undefined || listing.localStock === stock) continue;
    listing.localStock = stock;
    listing.localChangedAt = now;
    const conflict = conflictByListing.get(listing.id);
    if (conflict) {
      // An open conflict waits for a person: record EGDC's new level on it, push nothing.
      conflict.localValue = stock;
      conflict.localChangedAt = now;
      continue;
    }
    if (listing.remoteStock !== stock) {
      listing.pushState = ListingPushState.PENDING_PUSH;
      connectionIds.add(listing.connection.id);
    }
  }
  return connectionIds;
}

/**
 * Sets EGDC's level for SKUs (a stock report from EGDC core) and marks the listings to push.
 * Unknown SKUs are returned, not created: EGDC creates products through the catalog import.
 */
export async function reportLocalStock(em: EntityManager, levels: Array<{ sku: string; stock: number }>): Promise<{ changed: number; unknownSkus: string[]; connectionIds: Set<string> }> {
  const { tenantId } = em.getFilterParams<{ tenantId: string }>(TENANT_FILTER);
  return em.transactional(async (tx) => {
    await lockTenantStock(tx, tenantId);
    const products = await tx.find(Product, { sku: { $in: levels.map((level) => level.sku) } });
    const bySku = new Map(products.map((product) => [product.sku, product]));
    const unknownSkus: string[] = [];
    const changedSkus: string[] = [];
    for (const level of levels) {
      const product = bySku.get(level.sku);
      if (!product) {
        unknownSkus.push(level.sku);
        continue;
      }
      if (product.stock === level.stock) continue;
      setProductStock(product, level.stock);
      changedSkus.push(level.sku);
    }
    const connectionIds = await propagateLocalStock(tx, changedSkus);
    await tx.flush();
    return { changed: changedSkus.length, unknownSkus, connectionIds };
  });
}

/**
 * Sets a product's total, keeping the per-warehouse split consistent: a decrease is taken from the
 * warehouses in order, an increase is added to the first one. EGDC's next full report corrects the
 * split if it differs.
 */
export function setProductStock(product: Product, stock: number): void {
  const warehouses = { ...product.stockByWarehouse };
  const names = Object.keys(warehouses);
  let difference = stock - product.stock;
  if (names.length === 0) {
    warehouses.egdc = stock;
  } else if (difference > 0) {
    warehouses[names[0]!] = (warehouses[names[0]!] ?? 0) + difference;
  } else {
    for (const name of names) {
      const take = Math.min(warehouses[name] ?? 0, -difference);
      warehouses[name] = (warehouses[name] ?? 0) - take;
      difference += take;
      if (difference === 0) break;
    }
  }
  product.stockByWarehouse = warehouses;
  product.stock = stock;
}
