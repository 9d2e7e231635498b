import { partitionStockRefs, stockRefKey, uniqueStockRefs } from '../shared/stock-refs.js';
import type { StockReadResult, StockRef } from '../shared/types.js';
import type { MercadoLibreClient } from './client.js';
import { fetchListings } from './listings.js';

/**
 * Reads available quantities with the item multiget (GET /items?ids=, 20 items per call). A ref
 * names a variation, or the item itself when it has no variations. Items that no longer exist and
 * variations not on their item are missing, and so is a ref without a variation id to an item that
 * has variations.
 */
export async function readStock(client: MercadoLibreClient, refs: readonly StockRef[]): Promise<StockReadResult> {
  const unique = uniqueStockRefs(refs);
  const itemIds = [...new Set(unique.map((ref) => ref.externalId))];
  const listings = await fetchListings(client, itemIds);
  const quantities = new Map(listings.map((listing) => [stockRefKey(listing), listing.availableQuantity]));
  return partitionStockRefs(unique, quantities);
}
