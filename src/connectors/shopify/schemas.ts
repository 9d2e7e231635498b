import { z } from 'zod';
import { gidSchema } from './gid.js';

/**
 * Zod schemas of the GraphQL `data` this connector reads. Unknown keys are dropped; every field
 * read is checked, so a changed shape fails before anything is used.
 */

const isoDate = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

/** The Money scalar: a decimal amount written as a string, such as "799.00". */
const money = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/, 'expected a decimal amount such as "799.00"')
  .transform(Number);

export const pageInfoSchema = z.object({
  hasNextPage: z.boolean(),
  endCursor: z.string().nullable(),
});

const quantitySchema = z.object({ name: z.string(), quantity: z.number().int() });

const inventoryLevelSchema = z.object({ quantities: z.array(quantitySchema) });

/** Fields of the ListingVariant fragment. */
export const listingVariantSchema = z.object({
  id: gidSchema('ProductVariant'),
  title: z.string(),
  sku: z.string().nullable(),
  barcode: z.string().nullable(),
  price: money,
  updatedAt: isoDate,
  selectedOptions: z.array(z.object({ name: z.string(), value: z.string() })),
  inventoryItem: z.object({
    id: gidSchema('InventoryItem'),
    // Null when the item is not stocked at the location.
    inventoryLevel: inventoryLevelSchema.nullable(),
  }),
});

export const productSummarySchema = z.object({
  id: gidSchema('Product'),
  title: z.string(),
  status: z.string().min(1),
  updatedAt: isoDate,
});

const currencySchema = z.object({ currencyCode: z.string().min(3) });

export const importProductsSchema = z.object({
  shop: currencySchema,
  products: z.object({ pageInfo: pageInfoSchema, nodes: z.array(productSummarySchema) }),
});

export const importVariantsSchema = z.object({
  productVariants: z.object({
    pageInfo: pageInfoSchema,
    nodes: z.array(listingVariantSchema.extend({ product: z.object({ id: gidSchema('Product') }) })),
  }),
});

export const productListingsSchema = z.object({
  shop: currencySchema,
  product: productSummarySchema
    .extend({ variants: z.object({ pageInfo: pageInfoSchema, nodes: z.array(listingVariantSchema) }) })
    .nullable(),
});

export const inventoryItemListingSchema = z.object({
  shop: currencySchema,
  inventoryItem: z
    .object({
      id: gidSchema('InventoryItem'),
      variant: listingVariantSchema.extend({ product: productSummarySchema }),
    })
    .nullable(),
});

/** `nodes(ids:)` with a ProductVariant fragment: a removed variant comes back null. */
export const stockLevelsSchema = z.object({
  nodes: z.array(
    z
      .object({
        id: gidSchema('ProductVariant'),
        product: z.object({ id: gidSchema('Product') }),
        inventoryItem: z.object({ id: gidSchema('InventoryItem'), inventoryLevel: inventoryLevelSchema.nullable() }),
      })
      .nullable(),
  ),
});

const userErrorSchema = z.object({
  code: z.string().nullable(),
  field: z.array(z.string()).nullable(),
  message: z.string(),
});

export const setQuantitiesSchema = z.object({
  inventorySetQuantities: z.object({
    inventoryAdjustmentGroup: z
      .object({
        id: z.string(),
        changes: z.array(z.object({ name: z.string(), delta: z.number().int(), quantityAfterChange: z.number().int().nullable() })),
      })
      .nullable(),
    userErrors: z.array(userErrorSchema),
  }),
});

export const orderSchema = z.object({
  order: z
    .object({
      id: gidSchema('Order'),
      name: z.string(),
      createdAt: isoDate,
      cancelledAt: isoDate.nullable(),
      displayFinancialStatus: z.string().nullable(),
      lineItems: z.object({
        pageInfo: pageInfoSchema,
        nodes: z.array(
          z.object({
            id: gidSchema('LineItem'),
            sku: z.string().nullable(),
            quantity: z.number().int().nonnegative(),
            product: z.object({ id: gidSchema('Product') }).nullable(),
            variant: z.object({ id: gidSchema('ProductVariant') }).nullable(),
          }),
        ),
      }),
    })
    .nullable(),
});

export const shopCurrencySchema = z.object({ shop: currencySchema });

export const shopInfoSchema = z.object({
  shop: z.object({ name: z.string(), myshopifyDomain: z.string(), currencyCode: z.string() }),
  location: z.object({ id: gidSchema('Location'), name: z.string() }).nullable(),
});

export const primaryLocationSchema = z.object({
  location: z.object({ id: gidSchema('Location') }).nullable(),
});

export const bulkRunSchema = z.object({
  bulkOperationRunQuery: z.object({
    bulkOperation: z.object({ id: gidSchema('BulkOperation'), status: z.string() }).nullable(),
    userErrors: z.array(userErrorSchema),
  }),
});

export const bulkStatusSchema = z.object({
  node: z
    .object({
      id: gidSchema('BulkOperation'),
      status: z.string(),
      errorCode: z.string().nullable(),
      objectCount: z.union([z.string(), z.number()]).transform(Number),
      url: z.string().nullable(),
      partialDataUrl: z.string().nullable(),
    })
    .nullable(),
});

export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  scope: z.string(),
  // Read by the token module, which gives odd values a safe expiry instead of rejecting the new token.
  expires_in: z.unknown().optional(),
  refresh_token: z.string().min(1).optional(),
  refresh_token_expires_in: z.unknown().optional(),
});

export type ListingVariant = z.output<typeof listingVariantSchema>;
export type ProductSummary = z.output<typeof productSummarySchema>;
export type ShopifyOrder = NonNullable<z.output<typeof orderSchema>['order']>;
export type ShopifyTokenResponse = z.output<typeof tokenResponseSchema>;
export type ImportVariantsData = z.output<typeof importVariantsSchema>;
export type ProductListingsData = z.output<typeof productListingsSchema>;
export type OrderData = z.output<typeof orderSchema>;
