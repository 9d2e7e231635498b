import type { z } from 'zod';
import type { GraphqlOperation } from './client.js';
import {
  bulkRunSchema,
  bulkStatusSchema,
  importProductsSchema,
  importVariantsSchema,
  inventoryItemListingSchema,
  orderSchema,
  primaryLocationSchema,
  productListingsSchema,
  setQuantitiesSchema,
  shopCurrencySchema,
  shopInfoSchema,
  stockLevelsSchema,
} from './schemas.js';

/*
 * GraphQL Admin documents (API version 2026-04). Requested costs, by Shopify's rules (object 1,
 * scalar 0, connection 2 + first x node cost, mutation 10), stay under the 1000-point single query
 * limit: ImportProducts 103, ImportVariants 602, StockLevels 500.
 */

const LISTING_VARIANT_FRAGMENT = `
fragment ListingVariant on ProductVariant {
  id
  title
  sku
  barcode
  price
  updatedAt
  selectedOptions { name value }
  inventoryItem {
    id
    inventoryLevel(locationId: $locationId) { quantities(names: ["available"]) { name quantity } }
  }
}`;

function operation<S extends z.ZodType>(name: string, document: string, data: S): GraphqlOperation<S> {
  return { name, document, data };
}

export const IMPORT_PRODUCTS = operation(
  'ImportProducts',
  `query ImportProducts($first: Int!, $after: String) {
  shop { currencyCode }
  products(first: $first, after: $after, sortKey: ID) {
    pageInfo { hasNextPage endCursor }
    nodes { id title status updatedAt }
  }
}`,
  importProductsSchema,
);

export const IMPORT_VARIANTS = operation(
  'ImportVariants',
  `query ImportVariants($first: Int!, $after: String, $query: String!, $locationId: ID!) {
  productVariants(first: $first, after: $after, query: $query) {
    pageInfo { hasNextPage endCursor }
    nodes { ...ListingVariant product { id } }
  }
}
${LISTING_VARIANT_FRAGMENT}`,
  importVariantsSchema,
);

export const PRODUCT_LISTINGS = operation(
  'ProductListings',
  `query ProductListings($id: ID!, $after: String, $locationId: ID!) {
  shop { currencyCode }
  product(id: $id) {
    id
    title
    status
    updatedAt
    variants(first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { ...ListingVariant }
    }
  }
}
${LISTING_VARIANT_FRAGMENT}`,
  productListingsSchema,
);

export const INVENTORY_ITEM_LISTING = operation(
  'InventoryItemListing',
  `query InventoryItemListing($id: ID!, $locationId: ID!) {
  shop { currencyCode }
  inventoryItem(id: $id) {
    id
    variant { ...ListingVariant product { id title status updatedAt } }
  }
}
${LISTING_VARIANT_FRAGMENT}`,
  inventoryItemListingSchema,
);

export const STOCK_LEVELS = operation(
  'StockLevels',
  `query StockLevels($ids: [ID!]!, $locationId: ID!) {
  nodes(ids: $ids) {
    ... on ProductVariant {
      id
      product { id }
      inventoryItem {
        id
        inventoryLevel(locationId: $locationId) { quantities(names: ["available"]) { name quantity } }
      }
    }
  }
}`,
  stockLevelsSchema,
);

/**
 * Builds the stock write mutation with its idempotency key. From 2026-04 Shopify rejects the mutation
 * without `@idempotent`. The key is a UUID made by us, so writing it into the document is safe.
 */
export function setQuantitiesOperation(idempotencyKey: string) {
  if (!/^[0-9a-f-]{36}$/.test(idempotencyKey)) {
    throw new TypeError(`Idempotency key "${idempotencyKey}" is not a UUID; create one with crypto.randomUUID().`);
  }
  return operation(
    'SetAvailableQuantities',
    `mutation SetAvailableQuantities($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) @idempotent(key: "${idempotencyKey}") {
    inventoryAdjustmentGroup { id changes { name delta quantityAfterChange } }
    userErrors { code field message }
  }
}`,
    setQuantitiesSchema,
  );
}

export const ORDER_FOR_SYNC = operation(
  'OrderForSync',
  `query OrderForSync($id: ID!, $after: String) {
  order(id: $id) {
    id
    name
    createdAt
    cancelledAt
    displayFinancialStatus
    lineItems(first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { id sku quantity product { id } variant { id } }
    }
  }
}`,
  orderSchema,
);

export const SHOP_CURRENCY = operation('ShopCurrency', `query ShopCurrency { shop { currencyCode } }`, shopCurrencySchema);

export const SHOP_INFO = operation('ShopInfo', `query ShopInfo { shop { name myshopifyDomain currencyCode } location { id name } }`, shopInfoSchema);

/** `location` without an id returns the shop's primary location. */
export const PRIMARY_LOCATION = operation('PrimaryLocation', `query PrimaryLocation { location { id } }`, primaryLocationSchema);

export const START_BULK_QUERY = operation(
  'StartBulkQuery',
  `mutation StartBulkQuery($query: String!) {
  bulkOperationRunQuery(query: $query) {
    bulkOperation { id status }
    userErrors { code field message }
  }
}`,
  bulkRunSchema,
);

export const BULK_OPERATION_STATUS = operation(
  'BulkOperationStatus',
  `query BulkOperationStatus($id: ID!) {
  node(id: $id) { ... on BulkOperation { id status errorCode objectCount url partialDataUrl } }
}`,
  bulkStatusSchema,
);

/**
 * Builds the bulk query that reads every product with its variants and their `available` quantity at one
 * location. Bulk queries take no variables, so the location id (already checked to be a Location
 * global id) is written into the text.
 */
export function bulkCatalogQuery(locationId: string): string {
  return `{
  products {
    edges {
      node {
        id
        title
        status
        updatedAt
        variants {
          edges {
            node {
              id
              title
              sku
              barcode
              price
              updatedAt
              selectedOptions { name value }
              inventoryItem {
                id
                inventoryLevel(locationId: ${JSON.stringify(locationId)}) { quantities(names: ["available"]) { name quantity } }
              }
            }
          }
        }
      }
    }
  }
}`;
}
