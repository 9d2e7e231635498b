import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { authenticateShopRequest } from './api-auth.js';
import { MAX_QUANTITY, setWarehouseQuantity } from './catalog.js';
import type { SandboxContext } from './context.js';
import { CODES, sendTikTokError, tiktokSuccess } from './errors.js';
import { salesWarehouses, type ProductRecord, type ShopRecord } from './store.js';
import { SCOPES } from './types.js';

const numericId = z.string().regex(/^\d+$/, 'expected a numeric id as a string');

const bodySchema = z.object({
  skus: z
    .array(
      z.object({
        id: numericId,
        inventory: z
          .array(z.object({ warehouse_id: numericId.optional(), quantity: z.number().int().min(0).max(MAX_QUANTITY) }))
          .min(1),
      }),
    )
    .min(1)
    .max(100),
});

interface ExtraError {
  warehouse_id: string;
  code: number;
  message: string;
}

/** One entry of `data.errors`: a SKU whose inventory was not changed, with the reason. */
export interface InventoryError {
  code: number;
  message: string;
  detail: { sku_id: string; extra_errors: ExtraError[] };
}

type SkuUpdate = z.output<typeof bodySchema>['skus'][number];

/** Checks one SKU of the request; returns its error, or the warehouse quantities to apply. */
function checkSku(record: ProductRecord, shop: ShopRecord, update: SkuUpdate): { error: InventoryError } | { quantities: Array<[string, number]> } {
  const fail = (code: number, message: string, extra: ExtraError[] = []): { error: InventoryError } => ({
    error: { code, message, detail: { sku_id: update.id, extra_errors: extra } },
  });
  if (!record.product.skus.some((sku) => sku.id === update.id)) {
    return fail(CODES.skuNotFound, `The SKU ${update.id} does not exist in product ${record.product.id}.`);
  }
  if (record.product.status !== 'ACTIVATE' || record.notLiveSkuIds.has(update.id)) {
    return fail(CODES.skuNotLive, `Inventory can only be updated for live products and SKUs; SKU ${update.id} is not live (product status ${record.product.status}).`);
  }
  const warehouses = salesWarehouses(shop);
  const extra: ExtraError[] = [];
  const quantities: Array<[string, number]> = [];
  for (const entry of update.inventory) {
    if (entry.warehouse_id === undefined) {
      const only = warehouses.length === 1 ? warehouses[0] : undefined;
      if (only) quantities.push([only.id, entry.quantity]);
      else extra.push({ warehouse_id: '', code: CODES.warehouseInvalid, message: 'warehouse_id is required because the shop has several sales warehouses.' });
    } else if (warehouses.some((warehouse) => warehouse.id === entry.warehouse_id)) {
      quantities.push([entry.warehouse_id, entry.quantity]);
    } else {
      extra.push({ warehouse_id: entry.warehouse_id, code: CODES.warehouseInvalid, message: `Warehouse ${entry.warehouse_id} is not a sales warehouse of the shop.` });
    }
  }
  if (extra.length > 0) return fail(CODES.warehouseInvalid, 'The inventory of some warehouses is invalid.', extra);
  return { quantities };
}

/**
 * Registers POST /product/202309/products/{id}/inventory/update. A malformed body rejects the whole
 * request. A SKU that cannot be updated (unknown, not live, bad warehouse) is listed in
 * `data.errors` under a top-level code 0, and the other SKUs are applied.
 */
export function registerInventoryRoute(app: FastifyInstance, context: SandboxContext): void {
  app.post<{ Params: { productId: string } }>('/product/202309/products/:productId/inventory/update', async (request, reply) => {
    const caller = authenticateShopRequest(context, request, reply, { api: '/product/202309/products/:productId/inventory/update', scope: SCOPES.productWrite });
    if (!caller) return reply;
    const record = context.store.products.get(request.params.productId);
    if (!record || record.shopId !== caller.shop.id) {
      return sendTikTokError(reply, CODES.productNotFound, `The product ${request.params.productId} does not exist in this shop.`);
    }
    const parsed = bodySchema.safeParse(request.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return sendTikTokError(reply, CODES.invalidParameter, `Invalid request body field "${issue?.path.join('.') ?? ''}": ${issue?.message ?? 'invalid value'}.`);
    }

    const errors: InventoryError[] = [];
    for (const update of parsed.data.skus) {
      const result = checkSku(record, caller.shop, update);
      if ('error' in result) {
        errors.push(result.error);
        continue;
      }
      const sku = record.product.skus.find((candidate) => candidate.id === update.id);
      for (const [warehouseId, quantity] of result.quantities) {
        if (sku) setWarehouseQuantity(sku, warehouseId, quantity);
      }
    }
    if (errors.length < parsed.data.skus.length) record.product.update_time = Math.floor(Date.now() / 1000);
    if (errors.length > 0) {
      context.logger.info({ productId: record.product.id, failedSkus: errors.map((error) => error.detail.sku_id) }, 'inventory update partly rejected');
    }
    return reply.send(tiktokSuccess(errors.length > 0 ? { errors } : {}));
  });
}
