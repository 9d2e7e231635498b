import { chunksOf, partitionStockRefs, stockRefKey, uniqueStockRefs } from '../shared/stock-refs.js';
import type { StockReadResult, StockRef } from '../shared/types.js';
import type { SheinClient } from './client.js';
import { queryStock, STOCK_QUERY_MAX_SKUS } from './listings.js';

/**
 * Reads usable quantities with the stock query (POST /open-api/stock/stock-query), 100 SKU codes
 * per call. A ref names an SPU and one of its SKU codes. SKU codes SHEIN returns no row for are
 * missing, and so is a ref without a SKU code.
 * NOTE: the stock query returns levels by SKU code alone, so a known SKU code under another SPU name is
 * read as a level of the ref's SPU.
 */
export async function readStock(client: SheinClient, refs: readonly StockRef[]): Promise<StockReadResult> {
  const unique = uniqueStockRefs(refs);
  const skuCodes = [...new Set(unique.flatMap((ref) => (ref.externalVariantId ? [ref.externalVariantId] : [])))];

  const usable = new Map<string, number>();
  for (const chunk of chunksOf(skuCodes, STOCK_QUERY_MAX_SKUS)) {
    for (const [skuCode, sku] of await queryStock(client, chunk)) usable.set(skuCode, sku.totalUsableInventory);
  }

  const quantities = new Map<string, number>();
  for (const ref of unique) {
    const quantity = ref.externalVariantId ? usable.get(ref.externalVariantId) : undefined;
    if (quantity !== undefined) quantities.set(stockRefKey(ref), quantity);
  }
  return partitionStockRefs(unique, quantities);
}
