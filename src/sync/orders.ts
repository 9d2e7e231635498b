import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { RemoteOrder } from '../connectors/shared/types.js';
import { InventoryAdjustment, Listing, type MarketplaceConnection, Product } from '../entities/index.js';
import { lockTenantStock } from './locks.js';
import { propagateLocalStock, setProductStock } from './local-stock.js';

export interface OrderOutcome {
  /** False when this order (or its cancellation) was already applied (a redelivered notification), or no line matched a product. */
  applied: boolean;
  adjustments: Array<{ sku: string; delta: number; stockAfter: number }>;
  /** Lines with no SKU, or whose SKU has no EGDC product; they change no stock. */
  unknownLines: number;
  connectionIds: Set<string>;
}

/** Order statuses after which the units are no longer sold. */
const CANCELLED_STATUSES = new Set(['cancelled', 'CANCELLED', 'CANCEL', 'canceled']);

/**
 * Applies a marketplace order to EGDC stock as a delta, once per order: the unique key on
 * (tenant, marketplace, order id, SKU) turns a repeated notification into a no-op. A cancellation
 * of an applied order puts the units back, also once. Runs in its own transaction.
 */
export async function applyOrder(em: EntityManager, connection: MarketplaceConnection, order: RemoteOrder, logger: Logger): Promise<OrderOutcome> {
  const cancelled = CANCELLED_STATUSES.has(order.status);
  const outcome: OrderOutcome = { applied: false, adjustments: [], unknownLines: 0, connectionIds: new Set() };
  try {
    await em.transactional(async (tx) => {
      // Serializes order application per tenant, on the transaction's connection so the lock holds
      // until commit: redeliveries of one order see each other's adjustment, and orders for the same
      // SKU read the stock the previous one wrote instead of overwriting it.
      await lockTenantStock(tx, connection.tenantId);
      const saleKey = order.externalId;
      const key = cancelled ? `${order.externalId}:cancelled` : saleKey;
      if (cancelled && (await tx.count(InventoryAdjustment, { marketplace: connection.marketplace, externalOrderId: saleKey })) === 0) return;
      if ((await tx.count(InventoryAdjustment, { marketplace: connection.marketplace, externalOrderId: key })) > 0) return;

      const quantities = await unitsBySku(tx, connection, order, outcome);
      const counted = cancelled ? new Set<string>() : await skusReportedSince(tx, connection, [...quantities.keys()], order.createdAt);
      const products = await tx.find(Product, { sku: { $in: [...quantities.keys()] } });
      const unknownSkus = [...quantities.keys()].filter((sku) => !products.some((product) => product.sku === sku));
      if (unknownSkus.length > 0) {
        outcome.unknownLines += unknownSkus.reduce((sum, sku) => sum + (quantities.get(sku)?.lines ?? 0), 0);
        logger.warn({ tenantId: connection.tenantId, orderId: order.externalId, skus: unknownSkus }, 'order lines name SKUs that EGDC has no product for; they change no stock');
      }
      for (const product of products) {
        const units = quantities.get(product.sku)!.units;
        let delta = cancelled ? units : -units;
        // A level report already took the units; the adjustment is still recorded, so the order counts once.
        if (counted.has(product.sku)) delta = 0;
        const stockAfter = Math.max(0, product.stock + delta);
        if (product.stock + delta < 0) logger.warn({ tenantId: connection.tenantId, sku: product.sku, orderId: order.externalId }, 'order sold more units than EGDC had; stock set to 0');
        setProductStock(product, stockAfter);
        tx.create(InventoryAdjustment, { tenantId: connection.tenantId, connection, marketplace: connection.marketplace, externalOrderId: key, sku: product.sku, delta, stockAfter });
        outcome.adjustments.push({ sku: product.sku, delta, stockAfter });
      }
      await markOriginListings(tx, connection, order, cancelled, counted);
      outcome.connectionIds = await propagateLocalStock(tx, products.map((product) => product.sku));
      await tx.flush();
      outcome.applied = outcome.adjustments.length > 0;
    });
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) return { ...outcome, applied: false, adjustments: [] };
    throw error;
  }
  return outcome;
}

/** Sums units and lines per SKU, finding the SKU through our listing when the order line lacks it. */
async function unitsBySku(em: EntityManager, connection: MarketplaceConnection, order: RemoteOrder, outcome: OrderOutcome): Promise<Map<string, { units: number; lines: number }>> {
  const listings = await em.find(Listing, { connection, externalId: { $in: order.lines.map((line) => line.externalId) } });
  const quantities = new Map<string, { units: number; lines: number }>();
  for (const line of order.lines) {
    const listing = listings.find((candidate) => candidate.externalId === line.externalId && candidate.externalVariantId === (line.externalVariantId ?? ''));
    const sku = line.sellerSku ?? listing?.sku ?? null;
    if (!sku) {
      outcome.unknownLines += 1;
      continue;
    }
    const sum = quantities.get(sku) ?? { units: 0, lines: 0 };
    quantities.set(sku, { units: sum.units + line.quantity, lines: sum.lines + 1 });
  }
  return quantities;
}

/**
 * SKUs whose EGDC level this connection's marketplace reported (a `listing-edit` adjustment) at or
 * after `since`. Such a report read the marketplace's level after the sale, which already lacks the
 * sold units. Shopify sends inventory_levels/update together with orders/create, in no set order,
 * so this happens whenever the level update is processed first.
 * NOTE: compares the marketplace's order time with this service's clock. A clock skew, or a level
 * read just before the sale and stored just after it, makes the sale count zero times. A later level
 * report corrects EGDC, but only on marketplaces that send one after each sale (Shopify).
 */
async function skusReportedSince(em: EntityManager, connection: MarketplaceConnection, skus: string[], since: Date): Promise<Set<string>> {
  if (skus.length === 0) return new Set();
  const reports = await em.find(InventoryAdjustment, { connection, sku: { $in: skus }, externalOrderId: { $like: 'listing-edit:%' }, createdAt: { $gte: since } });
  return new Set(reports.map((report) => report.sku));
}

/**
 * Lowers the sold listing's marketplace level as the marketplace did, so no push repeats the sale.
 * Listings of `counted` SKUs are left alone: the level the marketplace reported already lacks the sale.
 */
async function markOriginListings(em: EntityManager, connection: MarketplaceConnection, order: RemoteOrder, cancelled: boolean, counted: Set<string>): Promise<void> {
  const listings = await em.find(Listing, { connection, externalId: { $in: order.lines.map((line) => line.externalId) } });
  for (const line of order.lines) {
    const listing = listings.find((candidate) => candidate.externalId === line.externalId && candidate.externalVariantId === (line.externalVariantId ?? ''));
    if (!listing || listing.remoteStock === null || counted.has(listing.sku ?? '')) continue;
    listing.remoteStock = Math.max(0, listing.remoteStock + (cancelled ? line.quantity : -line.quantity));
    listing.remoteChangedAt = new Date();
  }
}
