import { z } from 'zod';

/**
 * Zod schemas for the `info` part of the SHEIN responses we use. Unknown keys are ignored; every
 * field we read is checked, so a changed shape fails before anything is used.
 * NOTE: SHEIN publishes these shapes only on its portal. They follow the official SDK types where
 * those exist (the key exchange) and integrators' code elsewhere; the order rows and the sale
 * attribute fields are the least certain.
 */

/** Numeric id sent as a JSON number or a string of digits; kept as a string. */
const numericId = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform(String);
const quantity = z.number().int().nonnegative();
const isoDate = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

/** POST /open-api/auth/get-by-token. `secretKey` is AES-encrypted with the app secret. */
export const tokenInfoSchema = z.object({
  openKeyId: z.string().min(1),
  secretKey: z.string().min(1),
  appid: z.string().min(1),
  state: z.string().nullish(),
  supplierId: numericId,
  supplierSource: z.number().int().nullish(),
  supplierBusinessMode: z.union([z.string(), z.number()]).nullish(),
});

/** POST /open-api/openapi-business-backend/product/query: one page of SPUs. */
export const productPageInfoSchema = z.object({
  data: z.array(
    z.object({
      spuName: z.string().min(1),
      skcInfoList: z
        .array(z.object({ skcName: z.string().min(1), skuInfoList: z.array(z.object({ skuCode: z.string().min(1) })).nullish() }))
        .nullish(),
    }),
  ),
  meta: z.object({ count: z.number().int().nonnegative() }),
});

const saleAttributeSchema = z.object({
  attributeId: z.number().int().nullish(),
  attributeName: z.string().nullish(),
  attributeValueName: z.string().nullish(),
});

export const skuSchema = z.object({
  skuCode: z.string().min(1),
  sellerSku: z.string().nullish(),
  supplierBarcode: z.string().nullish(),
  saleAttributeList: z.array(saleAttributeSchema).nullish(),
  priceInfoList: z.array(z.object({ currency: z.string().min(1), basePrice: z.number().nonnegative() })).nullish(),
});

export const skcSchema = z.object({
  skcName: z.string().min(1),
  /** 1 when the colour is on sale (on shelf), 0 when taken off. */
  shelfStatus: z.number().int().nullish(),
  saleAttribute: saleAttributeSchema.nullish(),
  skuList: z.array(skuSchema),
});

/** POST /open-api/goods/spu-info: one SPU with its colours (SKC) and sizes (SKU). */
export const spuInfoSchema = z.object({
  spuName: z.string().min(1),
  productMultiNameList: z.array(z.object({ language: z.string(), productName: z.string() })).nullish(),
  lastUpdateTime: isoDate.nullish(),
  skcList: z.array(skcSchema),
});

export const stockSkuSchema = z.object({
  skuCode: z.string().min(1),
  totalInventoryQuantity: quantity.nullish(),
  totalUsableInventory: quantity,
  totalLockedQuantity: quantity.nullish(),
});

/** POST /open-api/stock/stock-query. */
export const stockQueryInfoSchema = z.array(
  z.object({
    goodsInventory: z.array(z.object({ skcName: z.string().nullish(), skuList: z.array(stockSkuSchema) })),
  }),
);

/** POST /open-api/stock/change-inventory/v2: rows not applied are listed in `failedList`. */
export const changeInventoryInfoSchema = z
  .object({
    failedList: z.array(z.object({ skuCode: z.string().min(1), reason: z.string().nullish() })).nullish(),
  })
  .nullish();

/** One row of `orderGoodsInfoList`: one physical unit of one SKU. */
export const orderGoodsSchema = z.object({
  skuCode: z.string().min(1),
  sellerSku: z.string().nullish(),
  spuName: z.string().min(1),
  skcName: z.string().nullish(),
});

export const orderSchema = z.object({
  orderNo: z.string().min(1),
  orderStatus: z.number().int(),
  orderTime: isoDate,
  orderGoodsInfoList: z.array(orderGoodsSchema),
});

/** POST /open-api/order/order-detail. */
export const orderDetailInfoSchema = z.array(orderSchema);

export type SheinTokenInfo = z.output<typeof tokenInfoSchema>;
export type SheinProductPage = z.output<typeof productPageInfoSchema>;
export type SheinSpu = z.output<typeof spuInfoSchema>;
export type SheinSkc = z.output<typeof skcSchema>;
export type SheinSku = z.output<typeof skuSchema>;
export type SheinStockSku = z.output<typeof stockSkuSchema>;
export type SheinOrder = z.output<typeof orderSchema>;
