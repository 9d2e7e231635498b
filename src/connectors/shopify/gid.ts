import { z } from 'zod';

/** Admin API object types whose global ids this connector reads or builds. */
export type ShopifyGidType = 'Product' | 'ProductVariant' | 'InventoryItem' | 'Location' | 'Order' | 'LineItem' | 'BulkOperation';

/** Builds a global id such as `gid://shopify/ProductVariant/42000000000001`. */
export function toGid(type: ShopifyGidType, id: string | number): string {
  return `gid://shopify/${type}/${String(id)}`;
}

/** Returns the numeric part of a global id of `type`, or null when `value` is not one. */
export function numericIdOf(value: string, type: ShopifyGidType): string | null {
  const match = new RegExp(`^gid://shopify/${type}/(\\d+)$`).exec(value);
  return match?.[1] ?? null;
}

/** Zod schema of a global id of one type. */
export function gidSchema(type: ShopifyGidType) {
  return z.string().regex(new RegExp(`^gid://shopify/${type}/\\d+$`), `expected a ${type} global id (gid://shopify/${type}/<number>)`);
}

/**
 * Builds the id of an inventory level, which Shopify writes as
 * `gid://shopify/InventoryLevel/{locationId}?inventory_item_id={inventoryItemId}` with numeric ids.
 */
export function inventoryLevelGid(locationNumericId: string | number, inventoryItemNumericId: string | number): string {
  return `gid://shopify/InventoryLevel/${String(locationNumericId)}?inventory_item_id=${String(inventoryItemNumericId)}`;
}

/** Reads an inventory level id back into its location and inventory item global ids. */
export function parseInventoryLevelGid(value: string): { locationId: string; inventoryItemId: string } | null {
  const match = /^gid:\/\/shopify\/InventoryLevel\/(\d+)\?inventory_item_id=(\d+)$/.exec(value);
  if (!match?.[1] || !match[2]) return null;
  return { locationId: toGid('Location', match[1]), inventoryItemId: toGid('InventoryItem', match[2]) };
}
