import { MarketplaceError } from '../shared/errors.js';
import type { RemoteOrder } from '../shared/types.js';
import type { ShopifyGraphqlClient } from './client.js';
import { mapOrder } from './mapping.js';
import { ORDER_FOR_SYNC } from './queries.js';
import type { OrderData, ShopifyOrder } from './schemas.js';

/** Reads one order with every line item (variant, SKU, quantity), following line item pages. */
export async function fetchOrder(client: ShopifyGraphqlClient, orderId: string): Promise<RemoteOrder> {
  const lines: ShopifyOrder['lineItems']['nodes'] = [];
  let after: string | null = null;
  for (;;) {
    const page: OrderData = await client.request(ORDER_FOR_SYNC, { id: orderId, after });
    const order = page.order;
    if (!order) {
      throw new MarketplaceError('SHOPIFY', `Shopify order ${orderId} was not found on ${client.shopDomain}; it may have been deleted.`, {
        kind: 'not_found',
        code: 'order_not_found',
      });
    }
    lines.push(...order.lineItems.nodes);
    const { hasNextPage, endCursor } = order.lineItems.pageInfo;
    if (!hasNextPage || endCursor === null) return mapOrder(order, lines);
    after = endCursor;
  }
}
