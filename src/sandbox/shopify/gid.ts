/** Builds a global id such as `gid://shopify/Product/7000000000001`. */
export function gid(type: string, id: number): string {
  return `gid://shopify/${type}/${id}`;
}

/** Returns the numeric id of a global id of `type`, or undefined when `value` is not one. */
export function parseGid(value: unknown, type: string): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = new RegExp(`^gid://shopify/${type}/(\\d+)$`).exec(value);
  if (!match?.[1]) return undefined;
  const id = Number(match[1]);
  return Number.isSafeInteger(id) ? id : undefined;
}

/** Reads any Shopify global id into its type and number. */
export function splitGid(value: string): { type: string; id: number } | undefined {
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)$/.exec(value);
  if (!match?.[1] || !match[2]) return undefined;
  const id = Number(match[2]);
  return Number.isSafeInteger(id) ? { type: match[1], id } : undefined;
}

/** Builds the id Shopify gives an inventory level: location and item numbers in one URI. */
export function inventoryLevelGid(locationId: number, inventoryItemId: number): string {
  return `gid://shopify/InventoryLevel/${locationId}?inventory_item_id=${inventoryItemId}`;
}
