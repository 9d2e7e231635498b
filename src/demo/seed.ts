import type { CatalogModel, CatalogVariation } from '../catalog/index.js';
import type { SeedItem } from '../sandbox/mercadolibre/index.js';
import type { SeedProduct as SheinSeedProduct } from '../sandbox/shein/index.js';
import type { SeedProduct as ShopifySeedProduct } from '../sandbox/shopify/index.js';
import type { SeedProduct as TikTokSeedProduct } from '../sandbox/tiktok/index.js';

export interface SeedOptions {
  /** Every `staleEvery`-th listed variation starts one pair above EGDC's level; default 7. */
  staleEvery?: number;
}

/** A catalog variation as one marketplace lists it: its price there and the stock it starts with. */
interface ListedVariation {
  variation: CatalogVariation;
  price: number;
  quantity: number;
}

/**
 * Picks, per model, the variations whose platform flag for `channel` is TRUE, priced with the
 * `priceKey` modifier (the cost when the export has none). Every `staleEvery`-th of them starts
 * with one pair more than EGDC has, as a marketplace level left behind by a manual edit, so the
 * first sync has real corrections to push. Models with no listed variation are left out.
 */
function listedVariations(models: CatalogModel[], channel: string, priceKey: string, options: SeedOptions): Array<{ model: CatalogModel; variations: ListedVariation[] }> {
  const staleEvery = options.staleEvery ?? 7;
  let index = 0;
  return models
    .map((model) => ({
      model,
      variations: model.variations
        .filter((variation) => variation.channels.includes(channel))
        .map((variation) => {
          index += 1;
          return { variation, price: variation.prices[priceKey] ?? variation.cost, quantity: variation.stock + (index % staleEvery === 0 ? 1 : 0) };
        }),
    }))
    .filter((entry) => entry.variations.length > 0);
}

/** Builds one MercadoLibre item per model, with one variation per size flagged MERCADOLIBRE. */
export function mercadoLibreSeedItems(models: CatalogModel[], options: SeedOptions = {}): SeedItem[] {
  return listedVariations(models, 'MERCADOLIBRE', 'MERCADOLIBRE', options).map(({ model, variations }) => ({
    title: model.title,
    price: variations[0]!.price,
    brand: model.brand,
    model: model.model,
    variations: variations.map(({ variation, price, quantity }) => ({
      sellerSku: variation.sku,
      size: variation.size,
      color: model.color,
      gtin: variation.ean ?? undefined,
      price,
      availableQuantity: quantity,
    })),
  }));
}

/** Builds one Shopify product per model, with one variant per size flagged SHOPIFY, stocked at the primary location. */
export function shopifySeedProducts(models: CatalogModel[], options: SeedOptions = {}): ShopifySeedProduct[] {
  return listedVariations(models, 'SHOPIFY', 'SHOPIFY', options).map(({ model, variations }) => ({
    title: model.title,
    vendor: model.brand,
    productType: model.category,
    variants: variations.map(({ variation, price, quantity }) => ({
      sku: variation.sku,
      size: variation.size,
      color: model.color,
      barcode: variation.ean ?? undefined,
      price,
      available: quantity,
    })),
  }));
}

/**
 * Builds one TikTok Shop product per model, with one SKU per size flagged TIKTOK. The export has no
 * TikTok price modifier, so TikTok gets the Shopify price.
 */
export function tiktokSeedProducts(models: CatalogModel[], options: SeedOptions = {}): TikTokSeedProduct[] {
  return listedVariations(models, 'TIKTOK', 'SHOPIFY', options).map(({ model, variations }) => ({
    title: model.title,
    skus: variations.map(({ variation, price, quantity }) => ({
      sellerSku: variation.sku,
      size: variation.size,
      color: model.color,
      gtin: variation.ean ?? undefined,
      price,
      quantity,
    })),
  }));
}

/** Builds one SHEIN SPU per model with one colour (SKC), and one SKU per size flagged SHEIN. */
export function sheinSeedProducts(models: CatalogModel[], options: SeedOptions = {}): SheinSeedProduct[] {
  return listedVariations(models, 'SHEIN', 'SHEIN', options).map(({ model, variations }) => ({
    title: model.title,
    price: variations[0]!.price,
    skcs: [{
      color: model.color,
      sizes: variations.map(({ variation, price, quantity }) => ({
        size: variation.size,
        sellerSku: variation.sku,
        quantity,
        barcode: variation.ean ?? undefined,
        price,
      })),
    }],
  }));
}
