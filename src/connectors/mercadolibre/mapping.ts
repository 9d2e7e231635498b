import type { RemoteListing, RemoteOrder } from '../shared/types.js';
import type { MercadoLibreAttribute, MercadoLibreItem, MercadoLibreOrder } from './schemas.js';

/** Attribute ids MercadoLibre uses for the fields we map. */
export const ATTRIBUTE_IDS = {
  sellerSku: 'SELLER_SKU',
  size: 'SIZE',
  color: 'COLOR',
  gtin: 'GTIN',
} as const;

function attributeValue(attributes: readonly MercadoLibreAttribute[] | null | undefined, id: string): string | null {
  const value = attributes?.find((attribute) => attribute.id === id)?.value_name;
  return value === undefined || value === null || value.trim() === '' ? null : value.trim();
}

/**
 * Maps an item to one RemoteListing per variation, or to a single listing with a null
 * externalVariantId when the item has no variations. Variation fields come from the variation:
 * SELLER_SKU and GTIN from its `attributes`, SIZE and COLOR from its `attribute_combinations`.
 */
export function mapItemToListings(item: MercadoLibreItem): RemoteListing[] {
  const common = {
    marketplace: 'MERCADOLIBRE' as const,
    externalId: item.id,
    title: item.title,
    currency: item.currency_id ?? null,
    status: item.status,
    updatedAt: item.last_updated ?? null,
  };
  const variations = item.variations ?? [];

  if (variations.length === 0) {
    return [
      {
        ...common,
        externalVariantId: null,
        sellerSku: attributeValue(item.attributes, ATTRIBUTE_IDS.sellerSku),
        price: item.price ?? null,
        availableQuantity: item.available_quantity,
        size: attributeValue(item.attributes, ATTRIBUTE_IDS.size),
        color: attributeValue(item.attributes, ATTRIBUTE_IDS.color),
        gtin: attributeValue(item.attributes, ATTRIBUTE_IDS.gtin),
      },
    ];
  }

  return variations.map((variation) => ({
    ...common,
    externalVariantId: String(variation.id),
    sellerSku: attributeValue(variation.attributes, ATTRIBUTE_IDS.sellerSku),
    price: variation.price ?? item.price ?? null,
    availableQuantity: variation.available_quantity,
    size: attributeValue(variation.attribute_combinations, ATTRIBUTE_IDS.size),
    color: attributeValue(variation.attribute_combinations, ATTRIBUTE_IDS.color),
    gtin: attributeValue(variation.attributes, ATTRIBUTE_IDS.gtin) ?? attributeValue(variation.attribute_combinations, ATTRIBUTE_IDS.gtin),
  }));
}

export function mapOrder(order: MercadoLibreOrder): RemoteOrder {
  return {
    externalId: String(order.id),
    status: order.status,
    createdAt: order.date_created,
    lines: order.order_items.map((line) => ({
      externalId: line.item.id,
      externalVariantId: line.item.variation_id === null || line.item.variation_id === undefined ? null : String(line.item.variation_id),
      sellerSku: line.item.seller_sku ?? null,
      quantity: line.quantity,
    })),
  };
}
