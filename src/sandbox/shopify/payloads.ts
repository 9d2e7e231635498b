import type { InventoryItemRecord, OrderRecord, ProductRecord, SandboxStore, ShopRecord } from './store.js';
import { gid, inventoryLevelGid } from './gid.js';

/*
 * Webhook bodies in Shopify's REST resource shape: numeric ids, snake_case keys and
 * `admin_graphql_api_id` for the GraphQL id.
 */

export function inventoryLevelPayload(item: InventoryItemRecord, locationId: number): Record<string, unknown> {
  const level = item.levels.get(locationId);
  return {
    inventory_item_id: item.id,
    location_id: locationId,
    available: level?.available ?? 0,
    updated_at: level?.updatedAt ?? item.updatedAt,
    admin_graphql_api_id: inventoryLevelGid(locationId, item.id),
  };
}

export function productPayload(store: SandboxStore, product: ProductRecord): Record<string, unknown> {
  const primary = store.primaryLocationId(product.shopDomain);
  return {
    id: product.id,
    admin_graphql_api_id: gid('Product', product.id),
    title: product.title,
    handle: product.handle,
    status: product.status.toLowerCase(),
    vendor: product.vendor,
    product_type: product.productType,
    created_at: product.createdAt,
    updated_at: product.updatedAt,
    options: product.options.map((option, index) => ({ name: option.name, position: index + 1, values: option.values })),
    variants: product.variantIds.flatMap((variantId) => {
      const variant = store.variants.get(variantId);
      if (!variant) return [];
      const item = store.inventoryItems.get(variant.inventoryItemId);
      return [
        {
          id: variant.id,
          admin_graphql_api_id: gid('ProductVariant', variant.id),
          product_id: product.id,
          title: variant.title,
          option1: variant.options[0]?.value ?? null,
          option2: variant.options[1]?.value ?? null,
          sku: variant.sku,
          barcode: variant.barcode,
          price: variant.price,
          position: variant.position,
          inventory_item_id: variant.inventoryItemId,
          inventory_quantity: (primary === undefined ? undefined : item?.levels.get(primary)?.available) ?? 0,
          updated_at: variant.updatedAt,
        },
      ];
    }),
  };
}

export function orderPayload(order: OrderRecord): Record<string, unknown> {
  return {
    id: order.id,
    admin_graphql_api_id: gid('Order', order.id),
    name: `#${order.number}`,
    order_number: order.number,
    created_at: order.createdAt,
    updated_at: order.updatedAt,
    cancelled_at: order.cancelledAt,
    cancel_reason: order.cancelledAt ? 'customer' : null,
    currency: order.currencyCode,
    financial_status: order.financialStatus.toLowerCase(),
    fulfillment_status: null,
    line_items: order.lines.map((line) => ({
      id: line.id,
      admin_graphql_api_id: gid('LineItem', line.id),
      variant_id: line.variantId,
      product_id: line.productId,
      sku: line.sku,
      title: line.title,
      quantity: line.quantity,
      price: line.price,
      fulfillment_service: 'manual',
      requires_shipping: true,
    })),
  };
}

export function shopPayload(shop: ShopRecord): Record<string, unknown> {
  return { id: shop.id, name: shop.name, domain: shop.domain, myshopify_domain: shop.domain, currency: shop.currencyCode };
}
