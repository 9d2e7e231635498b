import type { FastifyInstance } from 'fastify';
import { allowOwnerOnly, authenticate } from './api-auth.js';
import { recomputeTotals, sellerSkuOf } from './catalog.js';
import { parseInteger, queryOf, type SandboxContext } from './context.js';
import { mlError, sendMlError } from './errors.js';
import type { SandboxStore } from './store.js';
import { ORDER_STATUSES, type CreateOrderInput, type Item, type Order, type OrderItem, type Variation } from './types.js';

const DEFAULT_ORDER_LIMIT = 50;
// NOTE: the maximum page size of MercadoLibre's /orders/search is not confirmed; 50 is a guess.
const MAX_ORDER_LIMIT = 50;

interface ResolvedLine {
  item: Item;
  variation?: Variation;
  quantity: number;
}

function resolveLine(store: SandboxStore, sellerId: number, line: CreateOrderInput['lines'][number], index: number): ResolvedLine {
  const where = `createOrder lines[${index}]`;
  const item = store.items.get(line.itemId);
  if (!item) throw new Error(`${where}: item ${line.itemId} not found in the sandbox.`);
  if (item.seller_id !== sellerId) throw new Error(`${where}: item ${item.id} belongs to seller ${item.seller_id}, not ${sellerId}.`);
  if (item.status !== 'active') throw new Error(`${where}: item ${item.id} is ${item.status}; only active items can be sold.`);
  if (!Number.isInteger(line.quantity) || line.quantity < 1) {
    throw new Error(`${where}: quantity ${line.quantity} is invalid; use an integer of 1 or more.`);
  }
  if (item.variations.length === 0) {
    if (line.variationId !== undefined) throw new Error(`${where}: item ${item.id} has no variations; omit variationId.`);
    return { item, quantity: line.quantity };
  }
  const variation = item.variations.find((candidate) => candidate.id === line.variationId);
  if (!variation) {
    const known = item.variations.map((candidate) => candidate.id).join(', ');
    throw new Error(`${where}: item ${item.id} has variations (${known}); variationId ${line.variationId ?? 'is missing'} is not one of them.`);
  }
  return { item, variation, quantity: line.quantity };
}

function toOrderItem(line: ResolvedLine): OrderItem {
  const sizeAndColor = line.variation?.attribute_combinations ?? [];
  return {
    item: {
      id: line.item.id,
      title: line.item.title,
      variation_id: line.variation?.id ?? null,
      seller_sku: sellerSkuOf(line.item, line.variation),
      variation_attributes: sizeAndColor.map((entry) => ({ id: entry.id, name: entry.name, value_name: entry.value_name })),
    },
    quantity: line.quantity,
    unit_price: line.variation?.price ?? line.item.price,
    currency_id: 'MXN',
  };
}

/** Creates an order; unless it is cancelled it takes its quantities from stock. Checks every line before changing anything. */
export function createOrder(store: SandboxStore, input: CreateOrderInput, now: Date): Order {
  if (!store.sellers.has(input.sellerId)) throw new Error(`createOrder: seller ${input.sellerId} not found; seed it with seedSeller() first.`);
  if (input.lines.length === 0) throw new Error('createOrder: lines is empty; an order needs at least one line.');
  const status = input.status ?? 'paid';
  if (!ORDER_STATUSES.includes(status)) throw new Error(`createOrder: status "${String(status)}" is invalid; use one of ${ORDER_STATUSES.join(', ')}.`);

  const lines = input.lines.map((line, index) => resolveLine(store, input.sellerId, line, index));
  const takesStock = status !== 'cancelled';
  if (takesStock) {
    // Sum per variation first, so two lines of the same size cannot oversell it together.
    const requested = new Map<Item | Variation, { quantity: number; label: string }>();
    for (const line of lines) {
      const target = line.variation ?? line.item;
      const label = line.variation ? `variation ${line.variation.id} of item ${line.item.id}` : `item ${line.item.id}`;
      const previous = requested.get(target)?.quantity ?? 0;
      requested.set(target, { quantity: previous + line.quantity, label });
    }
    for (const [target, { quantity, label }] of requested) {
      if (quantity > target.available_quantity) {
        throw new Error(`createOrder: ${quantity} units requested of ${label} but only ${target.available_quantity} available.`);
      }
    }
  }

  const timestamp = now.toISOString();
  if (takesStock) {
    for (const line of lines) {
      const target = line.variation ?? line.item;
      target.available_quantity -= line.quantity;
      target.sold_quantity += line.quantity;
      recomputeTotals(line.item);
      line.item.last_updated = timestamp;
    }
  }

  const orderItems = lines.map(toOrderItem);
  const order: Order = {
    id: store.newOrderId(),
    status,
    date_created: timestamp,
    last_updated: timestamp,
    seller: { id: input.sellerId },
    buyer: { id: store.newBuyerId() },
    total_amount: orderItems.reduce((sum, line) => sum + line.quantity * line.unit_price, 0),
    currency_id: 'MXN',
    order_items: orderItems,
  };
  store.orders.set(order.id, order);
  return order;
}

/** Registers GET /orders/search and GET /orders/{id}. */
export function registerOrderRoutes(app: FastifyInstance, context: SandboxContext): void {
  app.get('/orders/search', async (request, reply) => {
    const caller = authenticate(context, request, reply);
    if (!caller) return reply;
    const query = queryOf(request.url);
    const sellerId = parseInteger(query.get('seller'));
    if (sellerId === undefined) {
      return sendMlError(reply, 400, 'bad_request', `Missing or invalid seller "${query.get('seller') ?? ''}": pass seller={your user id}.`);
    }
    if (!allowOwnerOnly(caller, sellerId, reply)) return reply;

    const offsetText = query.get('offset');
    const limitText = query.get('limit');
    const offset = offsetText === null ? 0 : parseInteger(offsetText);
    const limit = limitText === null ? DEFAULT_ORDER_LIMIT : parseInteger(limitText);
    if (offset === undefined || offset < 0 || limit === undefined || limit < 1 || limit > MAX_ORDER_LIMIT) {
      return sendMlError(reply, 400, 'bad_request', `Invalid offset "${offsetText}" or limit "${limitText}": offset must be 0 or more and limit from 1 to ${MAX_ORDER_LIMIT}.`);
    }
    const sort = query.get('sort') ?? 'date_asc';
    if (sort !== 'date_asc' && sort !== 'date_desc') {
      return sendMlError(reply, 400, 'bad_request', `Invalid sort "${sort}": use date_asc or date_desc.`);
    }

    // Order ids grow with creation time, so sorting by id sorts by date.
    const orders = [...context.store.orders.values()].filter((order) => order.seller.id === sellerId).sort((a, b) => a.id - b.id);
    if (sort === 'date_desc') orders.reverse();
    return reply.send({
      results: structuredClone(orders.slice(offset, offset + limit)),
      paging: { total: orders.length, offset, limit },
    });
  });

  app.get<{ Params: { orderId: string } }>('/orders/:orderId', async (request, reply) => {
    const caller = authenticate(context, request, reply);
    if (!caller) return reply;
    const orderId = parseInteger(request.params.orderId);
    const order = orderId === undefined ? undefined : context.store.orders.get(orderId);
    if (!order) return reply.code(404).send(mlError(404, 'not_found', `Order with id ${request.params.orderId} not found`));
    if (!allowOwnerOnly(caller, order.seller.id, reply)) return reply;
    return reply.send(structuredClone(order));
  });
}
