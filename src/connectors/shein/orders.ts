import { MarketplaceError } from '../shared/errors.js';
import type { RemoteOrder } from '../shared/types.js';
import type { SheinClient } from './client.js';
import { mapOrder } from './mapping.js';
import { orderDetailInfoSchema } from './schemas.js';

export const ORDER_DETAIL_PATH = '/open-api/order/order-detail';
/** SHEIN returns at most 30 orders per order-detail call. */
export const ORDER_DETAIL_MAX_ORDERS = 30;

/** Reads orders by number in calls of at most 30, in the order SHEIN returns them. */
export async function fetchOrders(client: SheinClient, orderNos: readonly string[]): Promise<RemoteOrder[]> {
  const orders: RemoteOrder[] = [];
  const unique = [...new Set(orderNos)];
  for (let start = 0; start < unique.length; start += ORDER_DETAIL_MAX_ORDERS) {
    const chunk = unique.slice(start, start + ORDER_DETAIL_MAX_ORDERS);
    const info = await client.post(ORDER_DETAIL_PATH, { orderNoList: chunk }, orderDetailInfoSchema);
    orders.push(...info.map(mapOrder));
  }
  return orders;
}

/** Reads one order, or raises not_found when SHEIN does not return it. */
export async function fetchOrder(client: SheinClient, orderNo: string): Promise<RemoteOrder> {
  const [order] = await fetchOrders(client, [orderNo]);
  if (!order || order.externalId !== orderNo) {
    throw new MarketplaceError('SHEIN', `SHEIN returned no order ${orderNo}; check the order number.`, { kind: 'not_found', code: 'order_not_found' });
  }
  return order;
}
