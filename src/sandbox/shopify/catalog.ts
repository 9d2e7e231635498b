import { z } from 'zod';
import { gid } from './gid.js';
import type { ProductRecord, SandboxStore, ShopRecord, VariantRecord } from './store.js';
import type { SeededShop, SeedProduct, SeedShopInput } from './types.js';

/** Same rule as Shopify's own hosts: one lowercase DNS label before .myshopify.com. */
export const SHOP_DOMAIN_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.myshopify\.com$/;

const seedVariantSchema = z.object({
  sku: z.string().min(1),
  size: z.string().min(1),
  color: z.string().min(1).optional(),
  barcode: z.string().min(1).optional(),
  price: z.number().nonnegative(),
  available: z.number().int().min(0),
});

const seedProductSchema = z.object({
  title: z.string().min(1),
  vendor: z.string().min(1).optional(),
  productType: z.string().min(1).optional(),
  status: z.enum(['ACTIVE', 'DRAFT', 'ARCHIVED']).optional(),
  sizeOptionName: z.string().min(1).optional(),
  // Shopify allows up to 2048 variants per product.
  variants: z.array(seedVariantSchema).min(1).max(2048),
});

const seedShopSchema = z.object({
  shopDomain: z.string().regex(SHOP_DOMAIN_PATTERN, 'use <name>.myshopify.com with a lowercase name'),
  name: z.string().min(1).optional(),
  currencyCode: z.string().regex(/^[A-Z]{3}$/).optional(),
  plan: z.enum(['standard', 'advanced', 'plus', 'enterprise']).optional(),
  locations: z.array(z.string().min(1)).min(1).optional(),
  products: z.array(seedProductSchema),
});

/** Creates a shop (or adds products to a known one) and returns the ids of what was created. */
export function seedShop(store: SandboxStore, input: SeedShopInput, now: Date): SeededShop {
  const parsed = seedShopSchema.safeParse(input);
  if (!parsed.success) {
    throw new Error(`seedShop: invalid input for shop "${input.shopDomain}": ${z.prettifyError(parsed.error)}`);
  }
  const seed = parsed.data;
  const shop = store.shops.get(seed.shopDomain) ?? createShop(store, seed);
  const products = seed.products.map((product) => {
    const record = createProduct(store, shop, product, now.toISOString());
    return {
      productId: gid('Product', record.id),
      variantIds: record.variantIds.map((id) => gid('ProductVariant', id)),
      inventoryItemIds: record.variantIds.map((id) => gid('InventoryItem', store.variants.get(id)?.inventoryItemId ?? 0)),
    };
  });
  return { shopDomain: shop.domain, locationIds: shop.locations.map((location) => gid('Location', location.id)), products };
}

function createShop(store: SandboxStore, seed: z.output<typeof seedShopSchema>): ShopRecord {
  const shop: ShopRecord = {
    id: store.newShopId(),
    domain: seed.shopDomain,
    name: seed.name ?? seed.shopDomain.replace(/\.myshopify\.com$/, ''),
    currencyCode: seed.currencyCode ?? 'MXN',
    plan: seed.plan ?? 'standard',
    locations: (seed.locations ?? ['Tienda principal']).map((name) => ({ id: store.newLocationId(), name })),
    productIds: [],
    nextOrderNumber: 1001,
  };
  store.shops.set(shop.domain, shop);
  return shop;
}

function createProduct(store: SandboxStore, shop: ShopRecord, seed: SeedProduct, timestamp: string): ProductRecord {
  const sizeOption = seed.sizeOptionName ?? 'Talla';
  const colors = [...new Set(seed.variants.flatMap((variant) => (variant.color ? [variant.color] : [])))];
  const options = [{ name: sizeOption, values: [...new Set(seed.variants.map((variant) => variant.size))] }];
  if (colors.length > 0) options.push({ name: 'Color', values: colors });

  const product: ProductRecord = {
    id: store.newProductId(),
    shopDomain: shop.domain,
    title: seed.title,
    handle: uniqueHandle(store, shop, seed.title),
    vendor: seed.vendor ?? shop.name,
    productType: seed.productType ?? 'Calzado',
    status: seed.status ?? 'ACTIVE',
    createdAt: timestamp,
    updatedAt: timestamp,
    options,
    variantIds: [],
  };
  const primary = shop.locations[0];
  seed.variants.forEach((variantSeed, index) => {
    const selected = [{ name: sizeOption, value: variantSeed.size }];
    if (colors.length > 0) selected.push({ name: 'Color', value: variantSeed.color ?? colors[0] ?? '' });
    const variant: VariantRecord = {
      id: store.newVariantId(),
      productId: product.id,
      title: selected.map((option) => option.value).join(' / '),
      sku: variantSeed.sku,
      barcode: variantSeed.barcode ?? null,
      price: variantSeed.price.toFixed(2),
      position: index + 1,
      options: selected,
      inventoryItemId: store.newInventoryItemId(),
      createdAt: timestamp,
      updatedAt: timestamp,
    };
    const levels = new Map(primary ? [[primary.id, { available: variantSeed.available, committed: 0, updatedAt: timestamp }]] : []);
    store.inventoryItems.set(variant.inventoryItemId, { id: variant.inventoryItemId, variantId: variant.id, shopDomain: shop.domain, updatedAt: timestamp, levels });
    store.variants.set(variant.id, variant);
    product.variantIds.push(variant.id);
  });
  store.products.set(product.id, product);
  shop.productIds.push(product.id);
  return product;
}

function uniqueHandle(store: SandboxStore, shop: ShopRecord, title: string): string {
  const base =
    title
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'producto';
  const taken = new Set(shop.productIds.map((id) => store.products.get(id)?.handle));
  let handle = base;
  for (let suffix = 1; taken.has(handle); suffix++) handle = `${base}-${suffix}`;
  return handle;
}
