import type { FastifyInstance } from 'fastify';
import { authenticateShopRequest } from './api-auth.js';
import { requireProduct, requireSku, totalQuantity } from './catalog.js';
import { queryOf, type SandboxContext } from './context.js';
import { CODES, sendTikTokError, tiktokSuccess } from './errors.js';
import type { SandboxStore } from './store.js';
import { ORDER_STATUSES, SCOPES, type CreateOrderInput, type LineItem, type Order } from './types.js';

const MAX_ORDER_IDS = 50;

/**
 * Creates an order with one line item per unit, as TikTok lists them. Unless the order is
 * cancelled, each unit is taken from the SKU's warehouses in order. Checks every line before
 * changing anything.
 */
export function createOrder(store: SandboxStore, input: CreateOrderInput, now: Date): Order {
  const shop = store.shops.get(input.shopId);
  if (!shop) throw new Error(`createOrder: shop ${input.shopId} not found; seed it with seedSeller() first.`);
  if (input.lines.length === 0) throw new Error('createOrder: lines is empty; an order needs at least one line.');
  const status = input.status ?? 'AWAITING_SHIPMENT';
  if (!ORDER_STATUSES.includes(status)) throw new Error(`createOrder: invalid status "${status}"; use one of ${ORDER_STATUSES.join(', ')}.`);

  const resolved = input.lines.map((line, index) => {
    const where = `createOrder lines[${index}]`;
    const record = requireProduct(store, line.productId);
    if (record.shopId !== shop.id) throw new Error(`${where}: product ${line.productId} belongs to shop ${record.shopId}, not ${shop.id}.`);
    if (record.product.status !== 'ACTIVATE') throw new Error(`${where}: product ${line.productId} is ${record.product.status}; only live products can be sold.`);
    if (!Number.isInteger(line.quantity) || line.quantity < 1) throw new Error(`${where}: quantity ${line.quantity} is invalid; use an integer of 1 or more.`);
    const sku = requireSku(record, line.skuId);
    return { record, sku, quantity: line.quantity };
  });
  if (status !== 'CANCELLED') {
    const needed = new Map<string, number>();
    for (const line of resolved) needed.set(line.sku.id, (needed.get(line.sku.id) ?? 0) + line.quantity);
    for (const line of resolved) {
      const want = needed.get(line.sku.id) ?? 0;
      if (totalQuantity(line.sku) < want) throw new Error(`createOrder: SKU ${line.sku.id} has ${totalQuantity(line.sku)} units in stock, fewer than the ${want} ordered.`);
    }
  }

  const timestamp = Math.floor(now.getTime() / 1000);
  const lineItems: LineItem[] = [];
  for (const line of resolved) {
    for (let unit = 0; unit < line.quantity; unit++) {
      if (status !== 'CANCELLED') {
        const entry = line.sku.inventory.find((candidate) => candidate.quantity > 0);
        if (entry) entry.quantity--;
      }
      lineItems.push({
        id: store.lineItemIds.take(),
        product_id: line.record.product.id,
        product_name: line.record.product.title,
        sku_id: line.sku.id,
        sku_name: line.sku.sales_attributes.map((attribute) => attribute.value_name).join(', '),
        seller_sku: line.sku.seller_sku,
        sale_price: line.sku.price.sale_price,
        original_price: line.sku.price.amount,
        currency: 'MXN',
        display_status: status,
      });
    }
    line.record.product.update_time = timestamp;
  }
  const total = lineItems.reduce((sum, item) => sum + Number(item.sale_price), 0).toFixed(2);
  const order: Order = {
    id: store.orderIds.take(),
    status,
    create_time: timestamp,
    update_time: timestamp,
    buyer_message: '',
    payment: { currency: 'MXN', sub_total: total, total_amount: total },
    line_items: lineItems,
  };
  store.orders.set(order.id, { shopId: shop.id, order });
  return order;
}

/** Registers GET /order/202309/orders?ids=... (order details). */
export function registerOrderRoutes(app: FastifyInstance, context: SandboxContext): void {
  app.get('/order/202309/orders', async (request, reply) => {
    const caller = authenticateShopRequest(context, request, reply, { api: '/order/202309/orders', scope: SCOPES.orderRead });
    if (!caller) return reply;
    const ids = (queryOf(request.url).get('ids') ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter((id) => id !== '');
    if (ids.length === 0 || ids.length > MAX_ORDER_IDS) {
      return sendTikTokError(reply, CODES.invalidParameter, `Invalid ids: pass 1 to ${MAX_ORDER_IDS} order ids separated by commas.`);
    }
    const orders = ids.flatMap((id) => {
      const record = context.store.orders.get(id);
      return record && record.shopId === caller.shop.id ? [structuredClone(record.order)] : [];
    });
    return reply.send(tiktokSuccess({ orders }));
  });
}
