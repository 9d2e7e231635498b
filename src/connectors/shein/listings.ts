import { z } from 'zod';
import { MarketplaceError, MarketplaceResponseShapeError } from '../shared/errors.js';
import type { ImportCheckpoint, ImportPage, RemoteListing } from '../shared/types.js';
import type { SheinClient } from './client.js';
import { mapSpuToListings } from './mapping.js';
import { productPageInfoSchema, spuInfoSchema, stockQueryInfoSchema, type SheinSpu, type SheinStockSku } from './schemas.js';

export const PRODUCT_QUERY_PATH = '/open-api/openapi-business-backend/product/query';
export const SPU_INFO_PATH = '/open-api/goods/spu-info';
export const STOCK_QUERY_PATH = '/open-api/stock/stock-query';

/**
 * NOTE: integrators report that the product query stops at page 1000 (50 000 SPUs at 50 per page).
 * This import does not split larger catalogues by the query's time filters.
 */
export const PRODUCT_QUERY_MAX_PAGE_SIZE = 50;
/** NOTE: SHEIN publishes no limit for `skuCodeList`; 100 matches the stock write limit and the sandbox. */
export const STOCK_QUERY_MAX_SKUS = 100;
/** Titles are requested in Spanish for the Mexican site. */
const LANGUAGES = ['es'];

const checkpointSchema = z.object({ version: z.literal(1), pageNum: z.number().int().min(1) });

export interface ImportPageOptions {
  /** SPUs per product query page, 1 to 50; 50 when not given. */
  pageSize?: number;
}

/**
 * Reads the next page of a seller's listings: one product query page (SPU names), the details of
 * each SPU, and the stock of all their SKUs. Pass null to start and the returned checkpoint (the
 * next `pageNum`) to continue; a null checkpoint in the result means the import is complete. SPUs
 * deleted between the query and the detail call are skipped.
 */
export async function importPage(client: SheinClient, checkpoint: ImportCheckpoint | null, options: ImportPageOptions = {}): Promise<ImportPage> {
  const pageSize = options.pageSize ?? PRODUCT_QUERY_MAX_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > PRODUCT_QUERY_MAX_PAGE_SIZE) {
    throw new RangeError(`importPage: pageSize must be an integer from 1 to ${PRODUCT_QUERY_MAX_PAGE_SIZE}, got ${pageSize}.`);
  }
  const pageNum = parseCheckpoint(checkpoint);
  const page = await client.post(PRODUCT_QUERY_PATH, { pageNum, pageSize }, productPageInfoSchema);
  const spuNames = [...new Set(page.data.map((entry) => entry.spuName))];
  const listings = await fetchListings(client, spuNames);

  const done = page.data.length < pageSize || pageNum * pageSize >= page.meta.count;
  return { listings, checkpoint: done ? null : { version: 1, pageNum: pageNum + 1 } };
}

/** Reads SPUs with their stock and maps them to listings, one per SKU, in the order given. */
export async function fetchListings(client: SheinClient, spuNames: readonly string[]): Promise<RemoteListing[]> {
  const spus: SheinSpu[] = [];
  for (const spuName of spuNames) {
    const spu = await fetchSpu(client, spuName);
    if (spu) {
      spus.push(spu);
    }
  }
  const skuCodes = spus.flatMap((spu) => spu.skcList.flatMap((skc) => skc.skuList.map((sku) => sku.skuCode)));
  const stock = await fetchStock(client, skuCodes);
  return spus.flatMap((spu) => mapSpuToListings(spu, stock));
}

/** Reads one SPU's details; returns null when SHEIN reports it not found. */
export async function fetchSpu(client: SheinClient, spuName: string): Promise<SheinSpu | null> {
  try {
    return await client.post(SPU_INFO_PATH, { spuName, languageList: LANGUAGES }, spuInfoSchema);
  } catch (error) {
    if (error instanceof MarketplaceError && error.kind === 'not_found') {
      client.logger?.debug({ spuName }, 'SPU listed by the product query no longer exists; skipped');
      return null;
    }
    throw error;
  }
}

/**
 * Reads the usable stock of SKUs in calls of at most 100 codes. Every requested SKU must come
 * back: a missing one fails the whole read, so no listing is reported with a guessed quantity.
 */
export async function fetchStock(client: SheinClient, skuCodes: readonly string[]): Promise<Map<string, SheinStockSku>> {
  const stock = new Map<string, SheinStockSku>();
  const unique = [...new Set(skuCodes)];
  for (let start = 0; start < unique.length; start += STOCK_QUERY_MAX_SKUS) {
    const chunk = unique.slice(start, start + STOCK_QUERY_MAX_SKUS);
    for (const [skuCode, sku] of await queryStock(client, chunk)) {
      stock.set(skuCode, sku);
    }
    const missing = chunk.filter((skuCode) => !stock.has(skuCode));
    if (missing.length > 0) {
      throw new MarketplaceResponseShapeError('SHEIN', `POST ${STOCK_QUERY_PATH}`, [
        { path: 'info', code: 'custom', message: `no stock row for ${missing.length} requested SKU(s), first ${missing[0]}` },
      ]);
    }
  }
  return stock;
}

/** Sends one stock query for at most 100 SKU codes and returns the rows SHEIN sent, by SKU code. */
export async function queryStock(client: SheinClient, skuCodes: readonly string[]): Promise<Map<string, SheinStockSku>> {
  if (skuCodes.length > STOCK_QUERY_MAX_SKUS) {
    throw new RangeError(`queryStock: at most ${STOCK_QUERY_MAX_SKUS} SKU codes per call, got ${skuCodes.length}.`);
  }
  const stock = new Map<string, SheinStockSku>();
  const info = await client.post(STOCK_QUERY_PATH, { skuCodeList: skuCodes }, stockQueryInfoSchema);
  for (const entry of info) {
    for (const goods of entry.goodsInventory) {
      for (const sku of goods.skuList) {
        stock.set(sku.skuCode, sku);
      }
    }
  }
  return stock;
}

function parseCheckpoint(checkpoint: ImportCheckpoint | null): number {
  if (checkpoint === null) {
    return 1;
  }
  const result = checkpointSchema.safeParse(checkpoint);
  if (!result.success) {
    throw new MarketplaceError('SHEIN', 'The SHEIN import checkpoint is not one this connector wrote; restart the import with a null checkpoint.', {
      kind: 'invalid_input',
      code: 'invalid_checkpoint',
    });
  }
  return result.data.pageNum;
}
