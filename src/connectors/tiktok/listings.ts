import { z } from 'zod';
import { MarketplaceError } from '../shared/errors.js';
import type { ImportCheckpoint, ImportPage, RemoteListing } from '../shared/types.js';
import type { TikTokClient } from './client.js';
import { mapProductToListings } from './mapping.js';
import { productSchema, productSearchDataSchema, type TikTokProduct } from './schemas.js';

export const PRODUCT_SEARCH_PATH = '/product/202312/products/search';
export const SEARCH_MAX_PAGE_SIZE = 100;
export const SEARCH_DEFAULT_PAGE_SIZE = 100;

/** Import position: the page token TikTok returned with the previous page. */
const checkpointSchema = z.object({
  version: z.literal(1),
  pageToken: z.string().min(1),
});

export interface ImportPageOptions {
  /** Products per search page, 1 to 100; 100 when not given. */
  pageSize?: number;
  /** Only products in this status (e.g. ACTIVATE); every status when not given. */
  status?: string;
}

/**
 * Reads the next page of a shop's products and maps each SKU to a listing. Pass null to start and
 * the returned checkpoint to continue; a null checkpoint in the result means every product was
 * returned. Paging uses TikTok's page tokens, the only paging the 202309+ search offers.
 */
export async function importPage(client: TikTokClient, checkpoint: ImportCheckpoint | null, options: ImportPageOptions = {}): Promise<ImportPage> {
  const pageSize = options.pageSize ?? SEARCH_DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > SEARCH_MAX_PAGE_SIZE) {
    throw new RangeError(`importPage: pageSize must be an integer from 1 to ${SEARCH_MAX_PAGE_SIZE}, got ${pageSize}.`);
  }
  const pageToken = parseCheckpoint(checkpoint);
  const filters: { status?: string } = options.status === undefined ? {} : { status: options.status };
  const data = await client.request({
    method: 'POST',
    path: PRODUCT_SEARCH_PATH,
    query: { page_size: pageSize, page_token: pageToken ?? undefined },
    body: filters,
    schema: productSearchDataSchema,
    // The search only reads, so sending it again is safe.
    idempotent: true,
  });

  const listings = data.products.flatMap(mapProductToListings);
  const nextToken = data.next_page_token ?? '';
  if (nextToken === '' || data.products.length === 0) {
    return { listings, checkpoint: null };
  }
  return { listings, checkpoint: { version: 1, pageToken: nextToken } };
}

/** Reads one product as TikTok returns it (GET /product/202309/products/{id}). */
export function getProduct(client: TikTokClient, productId: string): Promise<TikTokProduct> {
  return client.request({ method: 'GET', path: `/product/202309/products/${encodeURIComponent(productId)}`, schema: productSchema });
}

/** Reads one product and maps it to listings (one per SKU). */
export async function fetchProductListings(client: TikTokClient, productId: string): Promise<RemoteListing[]> {
  return mapProductToListings(await getProduct(client, productId));
}

function parseCheckpoint(checkpoint: ImportCheckpoint | null): string | null {
  if (checkpoint === null) {
    return null;
  }
  const result = checkpointSchema.safeParse(checkpoint);
  if (!result.success) {
    throw new MarketplaceError('TIKTOK', 'The TikTok Shop import checkpoint is not one this connector wrote; restart the import with a null checkpoint.', {
      kind: 'invalid_input',
      code: 'invalid_checkpoint',
    });
  }
  return result.data.pageToken;
}
