import type { RemoteOrder } from '../shared/types.js';
import type { MercadoLibreClient } from './client.js';
import { mapOrder } from './mapping.js';
import { orderSchema } from './schemas.js';

/** Reads one order (GET /orders/{id}); each line carries the item id, variation id and seller SKU. */
export async function fetchOrder(client: MercadoLibreClient, orderId: string): Promise<RemoteOrder> {
  const order = await client.get(`/orders/${encodeURIComponent(orderId)}`, orderSchema);
  return mapOrder(order);
}
