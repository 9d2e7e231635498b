import type { RemoteListing, RemoteOrder, RemoteOrderLine } from '../shared/types.js';
import type { TikTokOrder, TikTokProduct, TikTokSalesAttribute } from './schemas.js';

/** Sales attribute names (lower case) read as the size; sellers name the attribute freely. */
const SIZE_ATTRIBUTE_NAMES: ReadonlySet<string> = new Set(['talla', 'size', 'tamaño', 'numero', 'número']);
const COLOR_ATTRIBUTE_NAMES: ReadonlySet<string> = new Set(['color', 'colour']);
const GTIN_TYPES: ReadonlySet<string> = new Set(['GTIN', 'EAN', 'UPC']);

function attributeValue(attributes: readonly TikTokSalesAttribute[] | null | undefined, names: ReadonlySet<string>): string | null {
  const value = attributes?.find((attribute) => names.has(attribute.name.trim().toLowerCase()))?.value_name;
  return value === undefined || value === null || value.trim() === '' ? null : value.trim();
}

/**
 * Maps a product to one RemoteListing per SKU. The available quantity is the sum over the SKU's
 * warehouses; the price is `amount`, or `sale_price` when the response has no amount.
 */
export function mapProductToListings(product: TikTokProduct): RemoteListing[] {
  const updatedAt = product.update_time === null || product.update_time === undefined ? null : new Date(product.update_time * 1000);
  return product.skus.map((sku) => {
    const identifier = sku.identifier_code;
    const gtin = identifier?.code && GTIN_TYPES.has((identifier.type ?? '').toUpperCase()) ? identifier.code : null;
    return {
      marketplace: 'TIKTOK' as const,
      externalId: product.id,
      externalVariantId: sku.id,
      sellerSku: sku.seller_sku === undefined || sku.seller_sku === null || sku.seller_sku.trim() === '' ? null : sku.seller_sku.trim(),
      title: product.title,
      price: sku.price?.amount ?? sku.price?.sale_price ?? null,
      currency: sku.price?.currency ?? null,
      availableQuantity: sku.inventory.reduce((sum, entry) => sum + entry.quantity, 0),
      status: product.status,
      size: attributeValue(sku.sales_attributes, SIZE_ATTRIBUTE_NAMES),
      color: attributeValue(sku.sales_attributes, COLOR_ATTRIBUTE_NAMES),
      gtin,
      updatedAt,
    };
  });
}

/**
 * Maps an order to one line per SKU. TikTok lists one line item per unit sold, because 202309 line
 * items carry no quantity. So each line item counts as one unit (or as its `quantity` when a later
 * version sends one), and the units of one SKU are added up.
 */
export function mapOrder(order: TikTokOrder): RemoteOrder {
  const lines = new Map<string, RemoteOrderLine>();
  for (const item of order.line_items) {
    const key = `${item.product_id}/${item.sku_id}`;
    const units = item.quantity ?? 1;
    const line = lines.get(key);
    if (line) {
      line.quantity += units;
      line.sellerSku ??= item.seller_sku ?? null;
    } else {
      lines.set(key, { externalId: item.product_id, externalVariantId: item.sku_id, sellerSku: item.seller_sku ?? null, quantity: units });
    }
  }
  return {
    externalId: order.id,
    status: order.status,
    createdAt: new Date(order.create_time * 1000),
    lines: [...lines.values()],
  };
}
