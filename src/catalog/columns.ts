/** Columns of EGDC's product export, in the order EGDC writes them. Every one is required. */
export const CATALOG_COLUMNS = [
  'categoria', 'marca', 'modelo', 'color', 'talla', 'sku', 'ean', 'costo',
  'shein_modifier', 'shopify_modifier', 'meli_modifier', 'inv_egdc', 'inv_fami',
  'shein', 'meli', 'shopify', 'tiktok', 'upseller', 'go_trendier',
] as const;

export type CatalogColumn = (typeof CATALOG_COLUMNS)[number];

/** Marketplaces that have a price multiplier column, keyed by that column. */
export const MODIFIER_COLUMNS = {
  shein_modifier: 'SHEIN',
  shopify_modifier: 'SHOPIFY',
  meli_modifier: 'MERCADOLIBRE',
} as const satisfies Partial<Record<CatalogColumn, string>>;

export type PricedMarketplace = (typeof MODIFIER_COLUMNS)[keyof typeof MODIFIER_COLUMNS];

/** Warehouse stock columns, keyed by column, with the warehouse name stored in `stockByWarehouse`. */
export const WAREHOUSE_COLUMNS = {
  inv_egdc: 'egdc',
  inv_fami: 'fami',
} as const satisfies Partial<Record<CatalogColumn, string>>;

export type Warehouse = (typeof WAREHOUSE_COLUMNS)[keyof typeof WAREHOUSE_COLUMNS];

/** Platform flag columns, keyed by column, with the channel name stored in `channels`. */
export const CHANNEL_COLUMNS = {
  shein: 'SHEIN',
  meli: 'MERCADOLIBRE',
  shopify: 'SHOPIFY',
  tiktok: 'TIKTOK',
  upseller: 'UPSELLER',
  go_trendier: 'GO_TRENDIER',
} as const satisfies Partial<Record<CatalogColumn, string>>;

export type CatalogChannel = (typeof CHANNEL_COLUMNS)[keyof typeof CHANNEL_COLUMNS];

/** Maximum lengths of the text columns, matching the `product` table. */
export const TEXT_LIMITS = {
  sku: 128,
  categoria: 128,
  marca: 128,
  modelo: 128,
  color: 128,
  talla: 16,
} as const satisfies Partial<Record<CatalogColumn, number>>;

/** Position of each column in the file's header. */
export type ColumnIndex = Record<CatalogColumn, number>;

export type HeaderResult =
  | { ok: true; index: ColumnIndex }
  | { ok: false; missing: CatalogColumn[]; duplicate: CatalogColumn[] };

/**
 * Locates each expected column in a header row. Names are matched after trimming and lowercasing.
 * Unknown columns are ignored, and a known column that appears twice is reported because either
 * copy could be the right one.
 */
export function resolveHeader(names: readonly string[]): HeaderResult {
  const positions = new Map<string, number[]>();
  names.forEach((name, position) => {
    const key = name.trim().toLowerCase();
    positions.set(key, [...(positions.get(key) ?? []), position]);
  });

  const missing = CATALOG_COLUMNS.filter((column) => !positions.has(column));
  const duplicate = CATALOG_COLUMNS.filter((column) => (positions.get(column)?.length ?? 0) > 1);
  if (missing.length > 0 || duplicate.length > 0) return { ok: false, missing, duplicate };

  const index = {} as ColumnIndex;
  for (const column of CATALOG_COLUMNS) index[column] = positions.get(column)![0]!;
  return { ok: true, index };
}
