import { chunksOf, partitionStockRefs, stockRefKey, uniqueStockRefs } from '../shared/stock-refs.js';
import type { StockReadResult, StockRef } from '../shared/types.js';
import type { ShopifyGraphqlClient } from './client.js';
import { numericIdOf } from './gid.js';
import { availableOf } from './mapping.js';
import { STOCK_LEVELS } from './queries.js';
import { STOCK_BATCH_MAX } from './stock.js';

/**
 * Reads `available` quantities at one location with the StockLevels query, 100 variants per call
 * (the batch that writeStock reads too). A variant that does not exist, or that belongs to another
 * product than the ref's, is missing, and so is a ref without a ProductVariant global id. A variant
 * not stocked at the location reads 0, as the import reports it.
 */
export async function readStock(client: ShopifyGraphqlClient, refs: readonly StockRef[], locationId: string): Promise<StockReadResult> {
  const unique = uniqueStockRefs(refs);
  const variantIds = [...new Set(unique.flatMap((ref) => (ref.externalVariantId !== null && numericIdOf(ref.externalVariantId, 'ProductVariant') !== null ? [ref.externalVariantId] : [])))];

  const quantities = new Map<string, number>();
  for (const ids of chunksOf(variantIds, STOCK_BATCH_MAX)) {
    const { nodes } = await client.request(STOCK_LEVELS, { ids, locationId });
    for (const node of nodes) {
      if (node === null) continue;
      quantities.set(stockRefKey({ externalId: node.product.id, externalVariantId: node.id }), availableOf(node.inventoryItem.inventoryLevel));
    }
  }
  return partitionStockRefs(unique, quantities);
}
