import type { RemoteListing, RemoteOrder } from '../shared/types.js';
import type { ListingVariant, ProductSummary, ShopifyOrder } from './schemas.js';

/** Option names read as the size, compared without case; footwear shops in Mexico use "Talla". */
export const SIZE_OPTION_NAMES: readonly string[] = ['talla', 'size', 'tamaño', 'número', 'numero'];
export const COLOR_OPTION_NAMES: readonly string[] = ['color', 'colour'];

type Level = ListingVariant['inventoryItem']['inventoryLevel'];

/** Returns the `available` quantity of an inventory level; 0 when the item is not stocked at the location. */
export function availableOf(level: Level): number {
  return level?.quantities.find((quantity) => quantity.name === 'available')?.quantity ?? 0;
}

function optionValue(variant: ListingVariant, names: readonly string[]): string | null {
  const option = variant.selectedOptions.find((candidate) => names.includes(candidate.name.trim().toLowerCase()));
  const value = option?.value.trim();
  return value === undefined || value === '' ? null : value;
}

function blankToNull(value: string | null): string | null {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? null : trimmed;
}

/**
 * Maps one variant to a listing: the product gives the id, title and status, the variant gives the
 * SKU, price, barcode (GTIN), size and color options, and the `available` quantity at the location.
 * The stock handle is the variant's inventory item, only while the item is stocked at the location:
 * without a level there is nothing to compare and set, and the write reads first to report that.
 */
export function mapVariantToListing(product: ProductSummary, variant: ListingVariant, currency: string | null): RemoteListing {
  return {
    marketplace: 'SHOPIFY',
    externalId: product.id,
    externalVariantId: variant.id,
    sellerSku: blankToNull(variant.sku),
    title: product.title,
    price: variant.price,
    currency,
    availableQuantity: availableOf(variant.inventoryItem.inventoryLevel),
    status: product.status.toLowerCase(),
    size: optionValue(variant, SIZE_OPTION_NAMES),
    color: optionValue(variant, COLOR_OPTION_NAMES),
    gtin: blankToNull(variant.barcode),
    updatedAt: variant.updatedAt > product.updatedAt ? variant.updatedAt : product.updatedAt,
    stockHandle: variant.inventoryItem.inventoryLevel === null ? null : variant.inventoryItem.id,
  };
}

type OrderLine = ShopifyOrder['lineItems']['nodes'][number];

/**
 * Maps an order and all its line items. The status is `cancelled` once the order is cancelled,
 * otherwise its financial status in lower case (paid, pending, refunded...). Lines without a product
 * (a deleted one) keep their SKU so the sync can still match them.
 */
export function mapOrder(order: ShopifyOrder, lines: readonly OrderLine[]): RemoteOrder {
  return {
    externalId: order.id,
    status: order.cancelledAt ? 'cancelled' : (order.displayFinancialStatus ?? 'pending').toLowerCase(),
    createdAt: order.createdAt,
    lines: lines
      .filter((line) => line.quantity > 0)
      .map((line) => ({
        externalId: line.product?.id ?? '',
        externalVariantId: line.variant?.id ?? null,
        sellerSku: blankToNull(line.sku),
        quantity: line.quantity,
      })),
  };
}
