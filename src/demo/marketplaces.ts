import type { CatalogModel } from '../catalog/index.js';
import { Marketplace, type Listing } from '../entities/index.js';
import { DEMO_SHOP } from '../sandbox/shopify/index.js';
import type { Sandboxes } from './sandboxes.js';
import { mercadoLibreSeedItems, sheinSeedProducts, shopifySeedProducts, tiktokSeedProducts } from './seed.js';

/** The marketplaces the demo connects, by the key its `demo:` line uses. */
export const DEMO_MARKETPLACE_KEYS = ['mercadolibre', 'shopify', 'tiktok', 'shein'] as const;
export type DemoMarketplaceKey = (typeof DEMO_MARKETPLACE_KEYS)[number];

/** Account ids the demo seeds; fixed so that `npm start` reconnects the same accounts after a restart. */
export const DEMO_ACCOUNTS = {
  mercadolibreSellerId: 300000001,
  shopifyShopDomain: DEMO_SHOP.shopDomain,
  sheinSupplierId: 10234567,
} as const;

/** The sandbox account the demo listed the catalog on, and how to pick it on the consent page. */
export interface SeededAccount {
  /** The connection's `externalAccountId` once connected. */
  accountId: string;
  /** Value of the account's radio input on the consent page, for sandboxes that list accounts. */
  consentAccount?: string;
  /** Shop to authorize on, for Shopify. */
  shopDomain?: string;
  /** Variations listed (SKUs flagged for the marketplace). */
  listed: number;
}

/** Demo steps on one marketplace's sandbox, each in that sandbox's own API. */
export interface DemoMarketplace {
  key: DemoMarketplaceKey;
  marketplace: Marketplace;
  /** Name for people: MercadoLibre, Shopify, TikTok Shop, SHEIN. */
  name: string;
  sandboxUrl: string;
  /** Lists the catalog models on the sandbox account; call once, before the other methods. */
  seed(models: CatalogModel[]): SeededAccount;
  /** A buyer orders one unit of the listing on the marketplace. */
  placeOrder(listing: Listing): void;
  /** Returns the listing's stock on the marketplace now; undefined when the sandbox has no such listing. */
  remoteStock(listing: Listing): number | undefined;
}

function notSeeded(name: string): Error {
  return new Error(`The ${name} sandbox account is not seeded yet; call seed() first.`);
}

/** Builds the demo steps for each of the four sandboxes. */
export function demoMarketplaces(sandboxes: Pick<Sandboxes, DemoMarketplaceKey>): DemoMarketplace[] {
  return [mercadolibre(sandboxes.mercadolibre), shopify(sandboxes.shopify), tiktok(sandboxes.tiktok), shein(sandboxes.shein)];
}

function mercadolibre(sandbox: Sandboxes['mercadolibre']): DemoMarketplace {
  let sellerId: number | undefined;
  return {
    key: 'mercadolibre',
    marketplace: Marketplace.MERCADOLIBRE,
    name: 'MercadoLibre',
    sandboxUrl: sandbox.url,
    seed(models) {
      const items = mercadoLibreSeedItems(models);
      const seller = sandbox.seedSeller({ userId: DEMO_ACCOUNTS.mercadolibreSellerId, nickname: 'ZAPATERIA_EGDC_DEMO', items });
      sellerId = seller.userId;
      return { accountId: String(seller.userId), consentAccount: String(seller.userId), listed: items.reduce((sum, item) => sum + (item.variations?.length ?? 0), 0) };
    },
    placeOrder(listing) {
      if (sellerId === undefined) throw notSeeded('MercadoLibre');
      sandbox.createOrder({ sellerId, lines: [{ itemId: listing.externalId, variationId: Number(listing.externalVariantId), quantity: 1 }] });
    },
    remoteStock(listing) {
      const variation = sandbox.getItem(listing.externalId)?.variations.find((candidate) => String(candidate.id) === listing.externalVariantId);
      return variation?.available_quantity;
    },
  };
}

function shopify(sandbox: Sandboxes['shopify']): DemoMarketplace {
  const shopDomain = DEMO_ACCOUNTS.shopifyShopDomain;
  return {
    key: 'shopify',
    marketplace: Marketplace.SHOPIFY,
    name: 'Shopify',
    sandboxUrl: sandbox.endpointForShop(shopDomain),
    seed(models) {
      const products = shopifySeedProducts(models);
      sandbox.seedShop({ shopDomain, name: 'Zapatería EGDC Demo', currencyCode: 'MXN', products });
      return { accountId: shopDomain, shopDomain, listed: products.reduce((sum, product) => sum + product.variants.length, 0) };
    },
    placeOrder(listing) {
      sandbox.createOrder({ shopDomain, lines: [{ variantId: listing.externalVariantId, quantity: 1 }] });
    },
    remoteStock(listing) {
      // getAvailable throws for a variant the sandbox does not have, which counts as a mismatch here.
      try {
        return sandbox.getAvailable(listing.externalVariantId);
      } catch {
        return undefined;
      }
    },
  };
}

function tiktok(sandbox: Sandboxes['tiktok']): DemoMarketplace {
  let shopId: string | undefined;
  return {
    key: 'tiktok',
    marketplace: Marketplace.TIKTOK,
    name: 'TikTok Shop',
    sandboxUrl: sandbox.url,
    seed(models) {
      const products = tiktokSeedProducts(models);
      const seller = sandbox.seedSeller({ sellerName: 'Zapatería EGDC Demo', baseRegion: 'MX', shops: [{ name: 'ZAPATERIA_EGDC_DEMO', region: 'MX', products }] });
      shopId = seller.shops[0]!.shopId;
      return { accountId: shopId, consentAccount: seller.openId, listed: products.reduce((sum, product) => sum + product.skus.length, 0) };
    },
    placeOrder(listing) {
      if (shopId === undefined) throw notSeeded('TikTok Shop');
      sandbox.createOrder({ shopId, lines: [{ productId: listing.externalId, skuId: listing.externalVariantId, quantity: 1 }] });
    },
    remoteStock(listing) {
      const sku = sandbox.getProduct(listing.externalId)?.skus.find((candidate) => candidate.id === listing.externalVariantId);
      // The connector reads a SKU's stock as the sum over its warehouses.
      return sku?.inventory.reduce((sum, entry) => sum + entry.quantity, 0);
    },
  };
}

function shein(sandbox: Sandboxes['shein']): DemoMarketplace {
  const supplierId = DEMO_ACCOUNTS.sheinSupplierId;
  return {
    key: 'shein',
    marketplace: Marketplace.SHEIN,
    name: 'SHEIN',
    sandboxUrl: sandbox.url,
    seed(models) {
      const products = sheinSeedProducts(models);
      sandbox.seedSeller({ supplierId, name: 'ZAPATERIA_EGDC_DEMO', products });
      const listed = products.reduce((sum, product) => sum + product.skcs.reduce((count, skc) => count + skc.sizes.length, 0), 0);
      return { accountId: String(supplierId), consentAccount: String(supplierId), listed };
    },
    placeOrder(listing) {
      sandbox.createOrder({ supplierId, lines: [{ skuCode: listing.externalVariantId, quantity: 1 }] });
    },
    remoteStock(listing) {
      return sandbox.getSku(listing.externalVariantId)?.usable;
    },
  };
}
