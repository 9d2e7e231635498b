import { z } from 'zod';

/**
 * Zod schemas for the MercadoLibre responses we use. Unknown keys are ignored (the API adds fields
 * freely); every field we read is checked, so a changed shape fails before anything is used.
 */

/** Numeric id that may arrive as a JSON number or a string; kept as received. */
const numericId = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]);

const isoDate = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

export const attributeSchema = z.object({
  id: z.string().min(1),
  name: z.string().nullish(),
  value_id: z.string().nullish(),
  value_name: z.string().nullish(),
});

export const variationSchema = z.object({
  id: numericId,
  price: z.number().nullish(),
  available_quantity: z.number().int().nonnegative(),
  sold_quantity: z.number().int().nullish(),
  attribute_combinations: z.array(attributeSchema).nullish(),
  attributes: z.array(attributeSchema).nullish(),
});

export const itemSchema = z.object({
  id: z.string().min(1),
  seller_id: numericId,
  title: z.string(),
  price: z.number().nullish(),
  currency_id: z.string().nullish(),
  available_quantity: z.number().int().nonnegative(),
  status: z.string().min(1),
  last_updated: isoDate.nullish(),
  attributes: z.array(attributeSchema).nullish(),
  variations: z.array(variationSchema).nullish(),
});

export const itemSearchPageSchema = z.object({
  results: z.array(z.string().min(1)),
  paging: z.object({
    total: z.number().int().nonnegative(),
    offset: z.number().int().nonnegative().optional(),
    limit: z.number().int().nonnegative(),
  }),
  scroll_id: z.string().min(1).nullish(),
});

/** One element of GET /items?ids=...: the item when `code` is 200, an error body otherwise. */
export const multigetElementSchema = z.object({
  code: z.number().int(),
  body: z.unknown(),
});

export const multigetResponseSchema = z.array(multigetElementSchema);

export const orderItemSchema = z.object({
  item: z.object({
    id: z.string().min(1),
    title: z.string().nullish(),
    variation_id: numericId.nullish(),
    seller_sku: z.string().nullish(),
  }),
  quantity: z.number().int().positive(),
  unit_price: z.number().nullish(),
});

export const orderSchema = z.object({
  id: numericId,
  status: z.string().min(1),
  date_created: isoDate,
  last_updated: isoDate.nullish(),
  seller: z.object({ id: numericId }).nullish(),
  order_items: z.array(orderItemSchema),
});

export const userSchema = z.object({
  id: numericId,
  nickname: z.string(),
  site_id: z.string(),
  tags: z.array(z.string()).nullish(),
});

/** POST /oauth/token success body. `expires_in` is checked by the auth module, not here. */
export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().nullish(),
  expires_in: z.unknown().optional(),
  scope: z.string().nullish(),
  user_id: numericId,
  refresh_token: z.string().min(1).nullish(),
});

export const revokeResponseSchema = z.object({
  msg: z.string().nullish(),
});

export type MercadoLibreAttribute = z.output<typeof attributeSchema>;
export type MercadoLibreVariation = z.output<typeof variationSchema>;
export type MercadoLibreItem = z.output<typeof itemSchema>;
export type MercadoLibreItemSearchPage = z.output<typeof itemSearchPageSchema>;
export type MercadoLibreOrder = z.output<typeof orderSchema>;
export type MercadoLibreUser = z.output<typeof userSchema>;
export type MercadoLibreTokenResponse = z.output<typeof tokenResponseSchema>;
