import { z } from 'zod';
import type { SandboxStore } from './store.js';
import type { Item, ItemAttribute, SeedItem, SeedVariation, Variation, VariationAttribute } from './types.js';

const DEFAULT_CATEGORY_ID = 'MLM1234';

const seedVariationSchema = z.object({
  sellerSku: z.string().min(1),
  size: z.string().min(1),
  color: z.string().min(1).optional(),
  gtin: z.string().min(1).optional(),
  price: z.number().nonnegative(),
  availableQuantity: z.number().int().nonnegative(),
});

const seedItemSchema = z.object({
  title: z.string().min(1),
  categoryId: z.string().min(1).optional(),
  price: z.number().nonnegative(),
  brand: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  status: z.enum(['active', 'paused', 'closed']).optional(),
  availableQuantity: z.number().int().nonnegative().optional(),
  sellerSku: z.string().min(1).optional(),
  variations: z.array(seedVariationSchema).optional(),
});

/** Adds a seller (or more items to a known seller) and returns the ids of the new items. */
export function seedSeller(
  store: SandboxStore,
  input: { userId?: number; nickname: string; items: SeedItem[] },
  now: Date,
): { userId: number; itemIds: string[] } {
  if (input.nickname.trim() === '') {
    throw new Error('seedSeller: nickname is empty; give the seller a nickname such as "TIENDA_PRUEBA".');
  }
  const seeds = input.items.map((seed, index) => {
    const parsed = seedItemSchema.safeParse(seed);
    if (!parsed.success) {
      throw new Error(`seedSeller: items[${index}] ("${seed.title}") is invalid: ${z.prettifyError(parsed.error)}`);
    }
    return parsed.data;
  });

  const seller = store.upsertSeller(input.nickname, input.userId);
  const itemIds: string[] = [];
  for (const seed of seeds) {
    const item = buildItem(store, seller.id, seed, now.toISOString());
    store.items.set(item.id, item);
    seller.itemIds.push(item.id);
    itemIds.push(item.id);
  }
  return { userId: seller.id, itemIds };
}

function buildItem(store: SandboxStore, sellerId: number, seed: SeedItem, timestamp: string): Item {
  const attributes: ItemAttribute[] = [];
  if (seed.brand) attributes.push({ id: 'BRAND', value_name: seed.brand });
  if (seed.model) attributes.push({ id: 'MODEL', value_name: seed.model });

  const variations = (seed.variations ?? []).map((variation) => buildVariation(store, variation));
  if (variations.length === 0 && seed.sellerSku) {
    attributes.push({ id: 'SELLER_SKU', value_name: seed.sellerSku });
  }

  const item: Item = {
    id: store.newItemId(),
    seller_id: sellerId,
    title: seed.title,
    category_id: seed.categoryId ?? DEFAULT_CATEGORY_ID,
    price: seed.price,
    currency_id: 'MXN',
    available_quantity: variations.length === 0 ? (seed.availableQuantity ?? 0) : 0,
    sold_quantity: 0,
    status: seed.status ?? 'active',
    listing_type_id: 'gold_special',
    condition: 'new',
    last_updated: timestamp,
    date_created: timestamp,
    attributes,
    variations,
  };
  recomputeTotals(item);
  return item;
}

function buildVariation(store: SandboxStore, seed: SeedVariation): Variation {
  const combinations: Variation['attribute_combinations'] = [
    { id: 'SIZE', name: 'Talla', value_id: null, value_name: seed.size },
  ];
  if (seed.color) combinations.push({ id: 'COLOR', name: 'Color', value_id: null, value_name: seed.color });

  const attributes: VariationAttribute[] = [{ id: 'SELLER_SKU', name: 'SKU', value_name: seed.sellerSku }];
  if (seed.gtin) attributes.push({ id: 'GTIN', name: 'Código universal de producto', value_name: seed.gtin });

  return {
    id: store.newVariationId(),
    price: seed.price,
    available_quantity: seed.availableQuantity,
    sold_quantity: 0,
    attribute_combinations: combinations,
    attributes,
    picture_ids: [],
  };
}

/** Keeps the item-level quantities equal to the sums over its variations, as MercadoLibre does. */
export function recomputeTotals(item: Item): void {
  if (item.variations.length === 0) return;
  item.available_quantity = item.variations.reduce((sum, variation) => sum + variation.available_quantity, 0);
  item.sold_quantity = item.variations.reduce((sum, variation) => sum + variation.sold_quantity, 0);
}

/** Returns the SELLER_SKU of a variation, or of the item when it has no variations. */
export function sellerSkuOf(item: Item, variation?: Variation): string | null {
  const attributes = variation ? variation.attributes : item.attributes;
  return attributes.find((attribute) => attribute.id === 'SELLER_SKU')?.value_name ?? null;
}

function checkQuantity(quantity: number, itemId: string): void {
  if (!Number.isInteger(quantity) || quantity < 0) {
    throw new Error(`Invalid stock quantity ${quantity} for item ${itemId}: use an integer of 0 or more.`);
  }
}

/** Requires an item by id, with an error that names the id. */
export function requireItem(store: SandboxStore, itemId: string): Item {
  const item = store.items.get(itemId);
  if (!item) throw new Error(`Item ${itemId} not found in the sandbox; seed it with seedSeller() first.`);
  return item;
}

/** Sets the stock of one variation, as a seller editing the listing on MercadoLibre would. */
export function setVariationStock(store: SandboxStore, itemId: string, variationId: number, quantity: number, now: Date): Item {
  const item = requireItem(store, itemId);
  checkQuantity(quantity, itemId);
  const variation = item.variations.find((candidate) => candidate.id === variationId);
  if (!variation) {
    const known = item.variations.map((candidate) => candidate.id).join(', ') || 'none';
    throw new Error(`Variation ${variationId} not found on item ${itemId} (variations: ${known}).`);
  }
  variation.available_quantity = quantity;
  recomputeTotals(item);
  item.last_updated = now.toISOString();
  return item;
}

/** Sets the stock of an item without variations. */
export function setItemStock(store: SandboxStore, itemId: string, quantity: number, now: Date): Item {
  const item = requireItem(store, itemId);
  checkQuantity(quantity, itemId);
  if (item.variations.length > 0) {
    throw new Error(`Item ${itemId} has variations; set the stock of one variation with setVariationStock().`);
  }
  item.available_quantity = quantity;
  item.last_updated = now.toISOString();
  return item;
}
