import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { readBody, sellerOf, type SandboxContext } from './context.js';
import { envelope, sendError } from './errors.js';
import type { SandboxStore, SkuLocation } from './store.js';
import { ORDER_STATUSES, type CreateOrderInput, type Order, type OrderGoodsRow } from './types.js';

/** SHEIN returns at most 30 orders per order-detail call. */
export const ORDER_DETAIL_MAX_ORDERS = 30;

const STATUS_VALUES: readonly number[] = Object.values(ORDER_STATUSES);
/** Units of orders in these statuses are locked: counted in the total stock but not usable. */
const LOCKING_STATUSES: readonly number[] = [ORDER_STATUSES.pending, ORDER_STATUSES.toBeShipped];

/**
 * Creates an order with one `orderGoodsInfoList` row per unit. Unless it is cancelled it takes its
 * units from the usable stock (open orders keep them locked). Checks every line before changing anything.
 */
export function createOrder(store: SandboxStore, input: CreateOrderInput, now: Date): Order {
  if (!store.sellers.has(input.supplierId)) throw new Error(`createOrder: supplier ${input.supplierId} not found; seed it with seedSeller() first.`);
  if (input.lines.length === 0) throw new Error('createOrder: lines is empty; an order needs at least one line.');
  const status = input.orderStatus ?? ORDER_STATUSES.pending;
  if (!STATUS_VALUES.includes(status)) throw new Error(`createOrder: orderStatus ${String(status)} is invalid; use one of ${STATUS_VALUES.join(', ')}.`);

  const requested = new Map<SkuLocation, number>();
  input.lines.forEach((line, index) => {
    const location = store.skus.get(line.skuCode);
    if (!location) throw new Error(`createOrder lines[${index}]: SKU ${line.skuCode} not found in the sandbox.`);
    if (location.spu.supplierId !== input.supplierId) {
      throw new Error(`createOrder lines[${index}]: SKU ${line.skuCode} belongs to supplier ${location.spu.supplierId}, not ${input.supplierId}.`);
    }
    if (!Number.isInteger(line.quantity) || line.quantity < 1) {
      throw new Error(`createOrder lines[${index}]: quantity ${line.quantity} is invalid; use an integer of 1 or more.`);
    }
    requested.set(location, (requested.get(location) ?? 0) + line.quantity);
  });
  const takesStock = status !== ORDER_STATUSES.cancelled;
  if (takesStock) {
    for (const [location, quantity] of requested) {
      if (quantity > location.sku.usable) {
        throw new Error(`createOrder: ${quantity} units requested of SKU ${location.sku.skuCode} but only ${location.sku.usable} usable.`);
      }
    }
  }

  const rows: OrderGoodsRow[] = [];
  for (const [location, quantity] of requested) {
    if (takesStock) {
      location.sku.usable -= quantity;
      if (LOCKING_STATUSES.includes(status)) location.sku.locked += quantity;
      location.spu.lastUpdateTime = now.toISOString();
    }
    for (let unit = 0; unit < quantity; unit++) {
      rows.push({ goodsId: store.newGoodsId(), skuCode: location.sku.skuCode, sellerSku: location.sku.sellerSku, spuName: location.spu.spuName, skcName: location.skcName });
    }
  }
  const order: Order = { orderNo: store.newOrderNo(now), supplierId: input.supplierId, orderStatus: status, orderTime: now.toISOString(), orderGoodsInfoList: rows };
  store.orders.set(order.orderNo, order);
  return order;
}

const orderDetailSchema = z.object({ orderNoList: z.array(z.string().min(1)).min(1) });

/** Registers order-detail: the seller's orders among `orderNoList`; unknown numbers are left out. */
export function registerOrderRoutes(app: FastifyInstance, context: SandboxContext): void {
  app.post('/open-api/order/order-detail', async (request, reply) => {
    const key = sellerOf(context, request);
    const body = readBody(orderDetailSchema, request.body);
    if (!body.ok) return sendError(reply, 'paramInvalid', body.detail);
    if (body.data.orderNoList.length > ORDER_DETAIL_MAX_ORDERS) {
      return sendError(reply, 'tooManyRows', `orderNoList has ${body.data.orderNoList.length} numbers; send at most ${ORDER_DETAIL_MAX_ORDERS}.`);
    }
    const orders = body.data.orderNoList
      .map((orderNo) => context.store.orders.get(orderNo))
      .filter((order): order is Order => order !== undefined && order.supplierId === key.supplierId);
    return reply.send(envelope(structuredClone(orders)));
  });
}
