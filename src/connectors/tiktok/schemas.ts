import { z } from 'zod';

/**
 * Zod schemas for the TikTok Shop responses we use. Unknown keys are ignored, because TikTok adds
 * fields with every API version. Every field we read is checked, so a changed shape fails before
 * anything is used.
 */

/** Id sent as a string in the 202309+ APIs; a number is accepted and kept as its decimal text. */
const id = z.union([z.string().trim().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String);

/** Id echoed back in an error entry; only reported, so any text (even empty) is accepted. */
const anyId = z.union([z.string(), z.number()]).transform((value) => (String(value).trim() === '' ? null : String(value)));

/** Money amount, sent as a decimal string such as "418.00". */
const amount = z.union([z.string().trim().regex(/^-?\d+(\.\d+)?$/), z.number()]).transform(Number);

/** Unix time in seconds. */
const unixSeconds = z.number().int().nonnegative();

/** Every response: `code` 0 means success whatever the HTTP status, and `data` carries the payload. */
export const envelopeSchema = z.object({
  code: z.number().int(),
  message: z.string().nullish(),
  request_id: z.string().nullish(),
  data: z.unknown().optional(),
});

/** `data` of GET /api/v2/token/get and /api/v2/token/refresh. Expiry fields are checked by the auth module. */
export const tokenDataSchema = z.object({
  access_token: z.string().min(1),
  access_token_expire_in: z.unknown().optional(),
  refresh_token: z.string().min(1),
  refresh_token_expire_in: z.unknown().optional(),
  open_id: z.string().min(1),
  seller_name: z.string().nullish(),
  seller_base_region: z.string().nullish(),
  user_type: z.number().int().nullish(),
  granted_scopes: z.array(z.string()).nullish(),
});

export const shopSchema = z.object({
  id,
  name: z.string(),
  region: z.string().min(1),
  seller_type: z.string().nullish(),
  cipher: z.string().min(1),
  code: z.string().nullish(),
});

export const shopsDataSchema = z.object({
  shops: z.array(shopSchema),
});

export const warehouseSchema = z.object({
  id,
  name: z.string().nullish(),
  effect_status: z.string().nullish(),
  type: z.string().nullish(),
  is_default: z.boolean().nullish(),
});

export const warehousesDataSchema = z.object({
  warehouses: z.array(warehouseSchema),
});

export const salesAttributeSchema = z.object({
  id: id.nullish(),
  name: z.string(),
  value_id: id.nullish(),
  value_name: z.string().nullish(),
});

export const skuSchema = z.object({
  id,
  seller_sku: z.string().nullish(),
  price: z
    .object({
      amount: amount.nullish(),
      sale_price: amount.nullish(),
      currency: z.string().nullish(),
    })
    .nullish(),
  inventory: z.array(z.object({ warehouse_id: id.nullish(), quantity: z.number().int().nonnegative() })),
  sales_attributes: z.array(salesAttributeSchema).nullish(),
  identifier_code: z.object({ code: z.string().nullish(), type: z.string().nullish() }).nullish(),
});

export const productSchema = z.object({
  id,
  title: z.string(),
  status: z.string().min(1),
  skus: z.array(skuSchema),
  create_time: unixSeconds.nullish(),
  update_time: unixSeconds.nullish(),
});

/** `data` of POST /product/202312/products/search. An empty `next_page_token` marks the last page. */
export const productSearchDataSchema = z.object({
  products: z.array(productSchema),
  next_page_token: z.string().nullish(),
  total_count: z.number().int().nonnegative(),
});

export const inventoryErrorSchema = z.object({
  code: z.number().int(),
  message: z.string().nullish(),
  detail: z
    .object({
      sku_id: id.nullish(),
      extra_errors: z
        .array(z.object({ warehouse_id: anyId.nullish(), code: z.number().int().nullish(), message: z.string().nullish() }))
        .nullish(),
    })
    .nullish(),
});

/** `data` of the inventory update: absent, empty or with per-SKU `errors` while the top-level code is 0. */
export const inventoryUpdateDataSchema = z
  .object({
    errors: z.array(inventoryErrorSchema).nullish(),
  })
  .nullish();

export const lineItemSchema = z.object({
  id: id.nullish(),
  product_id: id,
  sku_id: id,
  seller_sku: z.string().nullish(),
  product_name: z.string().nullish(),
  /** Absent in 202309, where every line item is one unit; read when present. */
  quantity: z.number().int().positive().nullish(),
});

export const orderSchema = z.object({
  id,
  status: z.string().min(1),
  create_time: unixSeconds,
  update_time: unixSeconds.nullish(),
  line_items: z.array(lineItemSchema),
});

export const ordersDataSchema = z.object({
  orders: z.array(orderSchema),
});

export type TikTokTokenData = z.output<typeof tokenDataSchema>;
export type TikTokShop = z.output<typeof shopSchema>;
export type TikTokWarehouse = z.output<typeof warehouseSchema>;
export type TikTokSalesAttribute = z.output<typeof salesAttributeSchema>;
export type TikTokSku = z.output<typeof skuSchema>;
export type TikTokProduct = z.output<typeof productSchema>;
export type TikTokProductSearchData = z.output<typeof productSearchDataSchema>;
export type TikTokInventoryError = z.output<typeof inventoryErrorSchema>;
export type TikTokLineItem = z.output<typeof lineItemSchema>;
export type TikTokOrder = z.output<typeof orderSchema>;
