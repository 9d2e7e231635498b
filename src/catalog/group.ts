/**
 * Fields of a row that grouping reads. Both `CatalogRow` and the stored `Product` entity have this
 * shape, so a catalog can be grouped straight from a file or from the database.
 */
export interface GroupableRow {
  sku: string;
  ean: string | null;
  category: string;
  brand: string;
  model: string;
  color: string;
  size: string;
  cost: number;
  stock: number;
  priceModifiers: Readonly<Partial<Record<string, number>>>;
  channels: readonly string[];
}

/** One size of a model: the unit a marketplace lists as a variation. */
export interface CatalogVariation {
  sku: string;
  size: string;
  ean: string | null;
  cost: number;
  stock: number;
  priceModifiers: Partial<Record<string, number>>;
  /** Price in MXN per marketplace with a modifier: cost times modifier, rounded to centavos. */
  prices: Partial<Record<string, number>>;
  channels: string[];
}

/** One listing: every size of one brand, model and color. */
export interface CatalogModel {
  /** Identity of the model within a tenant: a JSON array of brand, model and color. */
  key: string;
  title: string;
  category: string;
  brand: string;
  model: string;
  color: string;
  /** Sorted by numeric size; sizes that are not numbers come last. */
  variations: CatalogVariation[];
}

/**
 * Groups rows into one model per (brand, model, color), in the order each model first appears.
 * The category and title come from the model's first row. NOTE: two rows with the same size stay
 * two variations here. `validateCatalog` rejects such rows within one file, but products stored by
 * different imports are not checked.
 */
export function groupIntoModels(rows: readonly GroupableRow[]): CatalogModel[] {
  const models = new Map<string, CatalogModel>();
  for (const row of rows) {
    const key = modelKey(row);
    let model = models.get(key);
    if (!model) {
      model = {
        key,
        title: [row.category, row.brand, row.model, row.color].map((part) => part.trim()).filter(Boolean).join(' '),
        category: row.category,
        brand: row.brand,
        model: row.model,
        color: row.color,
        variations: [],
      };
      models.set(key, model);
    }
    model.variations.push(toVariation(row));
  }

  for (const model of models.values()) model.variations.sort((a, b) => compareSizes(a.size, b.size));
  return [...models.values()];
}

export function modelKey(row: Pick<GroupableRow, 'brand' | 'model' | 'color'>): string {
  return JSON.stringify([row.brand, row.model, row.color]);
}

/** Returns cost times modifier rounded half up to 2 decimals, e.g. 190 * 2.2 = 418. */
export function priceFor(cost: number, modifier: number): number {
  // Binary floating point gives 190 * 2.2 = 418.00000000000006 and 1.005 * 100 = 100.49999999999999,
  // so the amount in centavos is cut to 12 significant digits before rounding.
  const centavos = Number((cost * modifier * 100).toPrecision(12));
  return Math.round(centavos) / 100;
}

/** Orders sizes such as "22", "22.5" and "23" by value; other sizes follow, in text order. */
export function compareSizes(a: string, b: string): number {
  const left = sizeValue(a);
  const right = sizeValue(b);
  if (left !== null && right !== null) return left - right;
  if (left !== null) return -1;
  if (right !== null) return 1;
  return a.localeCompare(b, 'es-MX', { numeric: true });
}

function sizeValue(size: string): number | null {
  return /^\d+(\.\d+)?$/.test(size) ? Number(size) : null;
}

function toVariation(row: GroupableRow): CatalogVariation {
  const priceModifiers: Partial<Record<string, number>> = { ...row.priceModifiers };
  const prices: Partial<Record<string, number>> = {};
  for (const [marketplace, modifier] of Object.entries(priceModifiers)) {
    if (modifier !== undefined) prices[marketplace] = priceFor(row.cost, modifier);
  }
  return {
    sku: row.sku,
    size: row.size,
    ean: row.ean,
    cost: row.cost,
    stock: row.stock,
    priceModifiers,
    prices,
    channels: [...row.channels],
  };
}
