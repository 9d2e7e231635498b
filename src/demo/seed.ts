import type { CatalogModel } from '../catalog/index.js';
import type { SeedItem } from '../sandbox/mercadolibre/index.js';

/**
 * Turns catalog models into the MercadoLibre sandbox seller's listings: one item per model with
 * one variation per size, priced with the MercadoLibre modifier. Every `staleEvery`-th variation
 * starts with one pair more than EGDC has, as a marketplace level left behind by a manual edit,
 * so the first sync has real corrections to push.
 */
export function mercadoLibreSeedItems(models: CatalogModel[], options: { staleEvery?: number; onlyFlagged?: boolean } = {}): SeedItem[] {
  const staleEvery = options.staleEvery ?? 7;
  let index = 0;
  return models
    .map((model) => {
      const variations = model.variations
        .filter((variation) => !options.onlyFlagged || variation.channels.includes('MERCADOLIBRE'))
        .map((variation) => {
          index += 1;
          const price = variation.prices.MERCADOLIBRE ?? variation.cost;
          return {
            sellerSku: variation.sku,
            size: variation.size,
            color: model.color,
            gtin: variation.ean ?? undefined,
            price,
            availableQuantity: variation.stock + (index % staleEvery === 0 ? 1 : 0),
          };
        });
      return { title: model.title, price: variations[0]?.price ?? 0, brand: model.brand, model: model.model, variations };
    })
    .filter((item) => item.variations.length > 0);
}
