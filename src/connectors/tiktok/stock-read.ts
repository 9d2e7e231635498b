import { MarketplaceError } from '../shared/errors.js';
import { partitionStockRefs, stockRefKey, uniqueStockRefs } from '../shared/stock-refs.js';
import type { StockReadResult, StockRef } from '../shared/types.js';
import type { TikTokClient } from './client.js';
import { getProduct } from './listings.js';
import type { TikTokSku } from './schemas.js';

export interface ReadStockOptions {
  /** Warehouse whose quantity is read; when null, the sum over the SKU's warehouses (as the import reports it). */
  warehouseId?: string | null;
}

/**
 * Reads SKU quantities by reading each named product again (GET /product/202309/products/{id}), one
 * product per call. A product TikTok reports not found, and a SKU not on its product, are missing.
 * NOTE: TikTok's POST /product/202309/inventory/search reads many SKUs per call. It is not used
 * because the local sandbox does not serve it, so it could not be tested.
 */
export async function readStock(client: TikTokClient, refs: readonly StockRef[], options: ReadStockOptions = {}): Promise<StockReadResult> {
  const unique = uniqueStockRefs(refs);
  const warehouseId = options.warehouseId ?? null;
  const productIds = [...new Set(unique.flatMap((ref) => (/^\d+$/.test(ref.externalId) ? [ref.externalId] : [])))];

  const quantities = new Map<string, number>();
  for (const productId of productIds) {
    const skus = await readProductSkus(client, productId);
    for (const sku of skus) {
      quantities.set(stockRefKey({ externalId: productId, externalVariantId: sku.id }), quantityAt(sku, warehouseId));
    }
  }
  return partitionStockRefs(unique, quantities);
}

/** Returns the product's SKUs, or none when TikTok reports the product not found. */
async function readProductSkus(client: TikTokClient, productId: string): Promise<TikTokSku[]> {
  try {
    return (await getProduct(client, productId)).skus;
  } catch (error) {
    if (error instanceof MarketplaceError && error.kind === 'not_found') {
      client.logger?.debug({ productId }, 'product no longer exists; its SKUs are reported missing');
      return [];
    }
    throw error;
  }
}

function quantityAt(sku: TikTokSku, warehouseId: string | null): number {
  if (warehouseId === null) return sku.inventory.reduce((sum, entry) => sum + entry.quantity, 0);
  return sku.inventory.find((entry) => entry.warehouse_id === warehouseId)?.quantity ?? 0;
}
