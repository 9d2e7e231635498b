import { z } from 'zod';
import { MarketplaceError, MarketplaceResponseShapeError } from '../shared/errors.js';
import type { ImportCheckpoint, ImportPage, RemoteListing } from '../shared/types.js';
import type { ShopifyGraphqlClient } from './client.js';
import { numericIdOf } from './gid.js';
import { mapVariantToListing } from './mapping.js';
import { IMPORT_PRODUCTS, IMPORT_VARIANTS, INVENTORY_ITEM_LISTING, PRODUCT_LISTINGS } from './queries.js';
import type { ImportVariantsData, ListingVariant, ProductListingsData, ProductSummary } from './schemas.js';

export const PRODUCTS_MAX_PAGE_SIZE = 250;
export const PRODUCTS_DEFAULT_PAGE_SIZE = 100;
/** Variants per productVariants call; about 600 cost points with the ListingVariant fragment. */
const VARIANTS_PAGE_SIZE = 100;

export const pagesCheckpointSchema = z.object({
  version: z.literal(1),
  mode: z.literal('pages'),
  /** `endCursor` of the last products page read; null before the first page. */
  after: z.string().min(1).nullable(),
});

export type PagesCheckpoint = z.output<typeof pagesCheckpointSchema>;

/**
 * Reads the next page of listings: `pageSize` products by id order, then all their variants with
 * `productVariants` filtered on those products, because nesting variants and inventory levels under
 * 100 products would pass Shopify's 1000-point limit on one query. The checkpoint contains the
 * products cursor; null in the result means the catalog was read to the end.
 */
export async function importPage(
  client: ShopifyGraphqlClient,
  locationId: string,
  state: PagesCheckpoint | null,
  pageSize: number = PRODUCTS_DEFAULT_PAGE_SIZE,
): Promise<ImportPage> {
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > PRODUCTS_MAX_PAGE_SIZE) {
    throw new RangeError(`importPage: pageSize must be an integer from 1 to ${PRODUCTS_MAX_PAGE_SIZE}, got ${pageSize}.`);
  }
  const page = await client.request(IMPORT_PRODUCTS, { first: pageSize, after: state?.after ?? null });
  const { pageInfo, nodes } = page.products;
  const listings = await listingsOfProducts(client, nodes, page.shop.currencyCode, locationId);

  if (!pageInfo.hasNextPage) {
    return { listings, checkpoint: null };
  }
  if (pageInfo.endCursor === null) {
    throw new MarketplaceResponseShapeError('SHOPIFY', IMPORT_PRODUCTS.name, [
      { path: 'data.products.pageInfo.endCursor', code: 'invalid_type', message: 'null on a page that has a next page' },
    ]);
  }
  const next: PagesCheckpoint = { version: 1, mode: 'pages', after: pageInfo.endCursor };
  return { listings, checkpoint: next as ImportCheckpoint };
}

/** Reads every variant of `products` and maps them, in product order and then variant order. */
async function listingsOfProducts(
  client: ShopifyGraphqlClient,
  products: readonly ProductSummary[],
  currency: string,
  locationId: string,
): Promise<RemoteListing[]> {
  if (products.length === 0) return [];
  const byProduct = new Map<string, ListingVariant[]>(products.map((product) => [product.id, []]));
  const query = products.map((product) => `product_id:${numericIdOf(product.id, 'Product') ?? ''}`).join(' OR ');

  let after: string | null = null;
  for (;;) {
    const page: ImportVariantsData = await client.request(IMPORT_VARIANTS, { first: VARIANTS_PAGE_SIZE, after, query, locationId });
    for (const variant of page.productVariants.nodes) {
      const group = byProduct.get(variant.product.id);
      if (group) {
        group.push(variant);
      } else {
        client.logger?.debug({ variantId: variant.id, productId: variant.product.id }, 'variant of a product outside the page ignored');
      }
    }
    const { hasNextPage, endCursor } = page.productVariants.pageInfo;
    if (!hasNextPage || endCursor === null) break;
    after = endCursor;
  }

  return products.flatMap((product) => (byProduct.get(product.id) ?? []).map((variant) => mapVariantToListing(product, variant, currency)));
}

/** Reads one product's variants as listings; an empty list when the product no longer exists. */
export async function fetchProductListings(client: ShopifyGraphqlClient, productId: string, locationId: string): Promise<RemoteListing[]> {
  const listings: RemoteListing[] = [];
  let after: string | null = null;
  for (;;) {
    const page: ProductListingsData = await client.request(PRODUCT_LISTINGS, { id: productId, after, locationId });
    const product = page.product;
    if (!product) return listings;
    for (const variant of product.variants.nodes) {
      listings.push(mapVariantToListing(product, variant, page.shop.currencyCode));
    }
    const { hasNextPage, endCursor } = product.variants.pageInfo;
    if (!hasNextPage || endCursor === null) return listings;
    after = endCursor;
  }
}

/** Reads the variant of one inventory item as a listing; empty when the item no longer exists. */
export async function fetchInventoryItemListings(client: ShopifyGraphqlClient, inventoryItemId: string, locationId: string): Promise<RemoteListing[]> {
  const page = await client.request(INVENTORY_ITEM_LISTING, { id: inventoryItemId, locationId });
  const variant = page.inventoryItem?.variant;
  return variant ? [mapVariantToListing(variant.product, variant, page.shop.currencyCode)] : [];
}

/** Raised for a checkpoint this connector did not write. */
export function invalidCheckpointError(): MarketplaceError {
  return new MarketplaceError(
    'SHOPIFY',
    'The Shopify import checkpoint is not one this connector wrote; restart the import with a null checkpoint.',
    { kind: 'invalid_input', code: 'invalid_checkpoint' },
  );
}
