import { MarketplaceError } from '../shared/errors.js';
import type { RemoteOrder } from '../shared/types.js';
import type { TikTokClient } from './client.js';
import { mapOrder } from './mapping.js';
import { ordersDataSchema } from './schemas.js';

export const ORDERS_PATH = '/order/202309/orders';

/** Reads one order (GET /order/202309/orders?ids=...); its lines name product, SKU and seller SKU. */
export async function fetchOrder(client: TikTokClient, orderId: string): Promise<RemoteOrder> {
  const data = await client.request({ method: 'GET', path: ORDERS_PATH, query: { ids: orderId }, schema: ordersDataSchema });
  const order = data.orders.find((candidate) => candidate.id === orderId);
  if (!order) {
    throw new MarketplaceError('TIKTOK', `TikTok Shop order ${orderId} was not found in the shop; check the id and the connected shop.`, {
      kind: 'not_found',
      code: 'order_not_found',
    });
  }
  return mapOrder(order);
}
