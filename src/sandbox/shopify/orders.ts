import { emitWebhook, type SandboxContext } from './context.js';
import { gid, parseGid } from './gid.js';
import { inventoryLevelPayload, orderPayload } from './payloads.js';
import type { OrderRecord } from './store.js';
import type { CreateOrderInput, SandboxOrder } from './types.js';

/**
 * Records a sale at the shop's primary location: each line commits its units (available goes down),
 * then orders/create and one inventory_levels/update per line are sent.
 */
export function createOrder(context: SandboxContext, input: CreateOrderInput, now: Date): OrderRecord {
  const { store, ledger } = context;
  const shop = store.shops.get(input.shopDomain);
  const locationId = shop?.locations[0]?.id;
  if (!shop || locationId === undefined) throw new Error(`createOrder: shop ${input.shopDomain} not found; seed it with seedShop() first.`);
  if (input.lines.length === 0) throw new Error('createOrder: an order needs at least one line.');

  const lines = input.lines.map((line, index) => {
    const variantId = parseGid(line.variantId, 'ProductVariant');
    const found = variantId === undefined ? undefined : store.variantContext(variantId);
    if (!found || found.shop.domain !== shop.domain) throw new Error(`createOrder: lines[${index}]: variant ${line.variantId} not found on ${shop.domain}.`);
    if (!Number.isInteger(line.quantity) || line.quantity < 1) throw new Error(`createOrder: lines[${index}]: quantity ${line.quantity} must be a whole number of 1 or more.`);
    const available = found.item.levels.get(locationId)?.available ?? 0;
    if (available < line.quantity) {
      throw new Error(`createOrder: lines[${index}]: only ${available} of ${found.variant.sku ?? line.variantId} available; the shop does not sell out of stock.`);
    }
    return { found, quantity: line.quantity };
  });

  const timestamp = now.toISOString();
  const order: OrderRecord = {
    id: store.newOrderId(),
    number: shop.nextOrderNumber++,
    shopDomain: shop.domain,
    createdAt: timestamp,
    updatedAt: timestamp,
    cancelledAt: null,
    financialStatus: input.financialStatus ?? 'PAID',
    currencyCode: shop.currencyCode,
    locationId,
    lines: lines.map(({ found, quantity }) => ({
      id: store.newLineItemId(),
      variantId: found.variant.id,
      productId: found.product.id,
      sku: found.variant.sku,
      title: found.product.title,
      quantity,
      price: found.variant.price,
    })),
  };
  store.orders.set(order.id, order);
  for (const { found, quantity } of lines) {
    ledger.commit(found.item, locationId, quantity, { reason: 'order', source: 'order' }, now);
  }
  emitWebhook(context, shop.domain, 'orders/create', orderPayload(order));
  for (const { found } of lines) emitWebhook(context, shop.domain, 'inventory_levels/update', inventoryLevelPayload(found.item, locationId));
  return order;
}

/** Cancels an order and restocks its units, then sends orders/cancelled and inventory_levels/update. */
export function cancelOrder(context: SandboxContext, orderId: string, now: Date): OrderRecord {
  const { store, ledger } = context;
  const id = parseGid(orderId, 'Order');
  const order = id === undefined ? undefined : store.orders.get(id);
  if (!order) throw new Error(`cancelOrder: order ${orderId} not found.`);
  if (order.cancelledAt) throw new Error(`cancelOrder: order ${orderId} is already cancelled.`);
  order.cancelledAt = now.toISOString();
  order.updatedAt = order.cancelledAt;
  order.financialStatus = order.financialStatus === 'PAID' ? 'REFUNDED' : order.financialStatus;
  const items = order.lines.flatMap((line) => {
    const variant = store.variants.get(line.variantId);
    const item = variant ? store.inventoryItems.get(variant.inventoryItemId) : undefined;
    if (!item) return [];
    ledger.commit(item, order.locationId, -line.quantity, { reason: 'restock', source: 'cancel' }, now);
    return [item];
  });
  emitWebhook(context, order.shopDomain, 'orders/cancelled', orderPayload(order));
  for (const item of items) emitWebhook(context, order.shopDomain, 'inventory_levels/update', inventoryLevelPayload(item, order.locationId));
  return order;
}

/** Copies an order into the public shape. */
export function toSandboxOrder(order: OrderRecord): SandboxOrder {
  return {
    id: gid('Order', order.id),
    name: `#${order.number}`,
    shopDomain: order.shopDomain,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    cancelledAt: order.cancelledAt,
    financialStatus: order.financialStatus,
    currencyCode: order.currencyCode,
    lines: order.lines.map((line) => ({
      id: gid('LineItem', line.id),
      variantId: gid('ProductVariant', line.variantId),
      productId: gid('Product', line.productId),
      sku: line.sku,
      title: line.title,
      quantity: line.quantity,
      price: line.price,
    })),
  };
}
