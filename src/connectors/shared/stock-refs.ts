import type { StockReadResult, StockRef } from './types.js';

/** Key of a listing in maps of quantities: the item id and the variation id (or null). */
export function stockRefKey(ref: StockRef): string {
  return JSON.stringify([ref.externalId, ref.externalVariantId]);
}

/** Returns the refs without repeats, first occurrence first, so each listing is read and reported once. */
export function uniqueStockRefs(refs: readonly StockRef[]): StockRef[] {
  const unique = new Map<string, StockRef>();
  for (const ref of refs) {
    const key = stockRefKey(ref);
    if (!unique.has(key)) unique.set(key, { externalId: ref.externalId, externalVariantId: ref.externalVariantId });
  }
  return [...unique.values()];
}

/** Builds the read result: refs with a quantity under their `stockRefKey` are levels, the others missing. */
export function partitionStockRefs(refs: readonly StockRef[], quantities: ReadonlyMap<string, number>): StockReadResult {
  const result: StockReadResult = { levels: [], missing: [] };
  for (const ref of refs) {
    const quantity = quantities.get(stockRefKey(ref));
    if (quantity === undefined) result.missing.push(ref);
    else result.levels.push({ ...ref, quantity });
  }
  return result;
}

/** Splits a list into consecutive chunks of at most `size` elements. */
export function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
