import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { readBody, sellerOf, type SandboxContext } from './context.js';
import { envelope, sendError } from './errors.js';
import type { RowOutcome, SkuLocation } from './store.js';

/** SHEIN accepts 1 to 100 rows per stock change call. */
export const CHANGE_INVENTORY_MAX_ROWS = 100;
/** NOTE: SHEIN publishes no limit for stock queries; the sandbox uses the stock change limit. */
export const STOCK_QUERY_MAX_CODES = 100;
/** The one warehouse every sandbox seller has. */
export const DEFAULT_WAREHOUSE_CODE = 'MX-DEFAULT';

const codeList = z.array(z.string().min(1)).min(1).max(STOCK_QUERY_MAX_CODES);
const stockQuerySchema = z
  .object({ skuCodeList: codeList.optional(), skcNameList: codeList.optional(), spuNameList: codeList.optional(), warehouseType: z.number().int().optional() })
  .refine((body) => body.skuCodeList ?? body.skcNameList ?? body.spuNameList, { message: 'send skuCodeList, skcNameList or spuNameList' });

const changeRowSchema = z.object({
  idempotencyKey: z.string().min(1).max(64),
  skuCode: z.string().min(1),
  warehouseCode: z.string().min(1).optional(),
  invType: z.enum(['VI', 'JI']),
  changeType: z.enum(['ADD', 'SUB', 'OVERWRITE']),
  changeQuantity: z.number().int().nonnegative(),
  changeReason: z.string().optional(),
});

type ChangeRow = z.output<typeof changeRowSchema>;

function stockRow(location: SkuLocation) {
  const { sku } = location;
  return {
    skuCode: sku.skuCode,
    totalInventoryQuantity: sku.usable + sku.locked,
    totalUsableInventory: sku.usable,
    totalLockedQuantity: sku.locked,
    temporaryInventoryQuantity: 0,
    warehouseInventoryList: [{ warehouseCode: DEFAULT_WAREHOUSE_CODE, usableInventory: sku.usable, lockedInventory: sku.locked }],
  };
}

/** Applies one row unless its idempotency key was seen; returns the (stored) outcome. */
function applyRow(context: SandboxContext, supplierId: number, row: ChangeRow): RowOutcome {
  const storeKey = `${supplierId}:${row.idempotencyKey}`;
  const stored = context.store.rowOutcomes.get(storeKey);
  if (stored) return stored;

  const location = context.store.skus.get(row.skuCode);
  let outcome: RowOutcome;
  if (!location || location.spu.supplierId !== supplierId) {
    outcome = { ok: false, reason: `skuCode ${row.skuCode} not found for this supplier` };
  } else if (row.warehouseCode !== undefined && row.warehouseCode !== DEFAULT_WAREHOUSE_CODE) {
    outcome = { ok: false, reason: `warehouseCode ${row.warehouseCode} not found; this supplier has ${DEFAULT_WAREHOUSE_CODE}` };
  } else if (row.changeType === 'SUB' && row.changeQuantity > location.sku.usable) {
    outcome = { ok: false, reason: `insufficient usable inventory: ${location.sku.usable} available, ${row.changeQuantity} to subtract` };
  } else {
    const { sku } = location;
    switch (row.changeType) {
      case 'OVERWRITE':
        // Units locked by open orders stay on top of the overwritten usable stock.
        sku.usable = row.changeQuantity;
        break;
      case 'ADD':
        sku.usable += row.changeQuantity;
        break;
      case 'SUB':
        sku.usable -= row.changeQuantity;
        break;
    }
    location.spu.lastUpdateTime = new Date(context.now()).toISOString();
    outcome = { ok: true };
  }
  context.store.rowOutcomes.set(storeKey, outcome);
  return outcome;
}

/** Registers stock-query and change-inventory/v2. */
export function registerStockRoutes(app: FastifyInstance, context: SandboxContext): void {
  app.post('/open-api/stock/stock-query', async (request, reply) => {
    const key = sellerOf(context, request);
    const body = readBody(stockQuerySchema, request.body);
    if (!body.ok) return sendError(reply, 'paramInvalid', body.detail);

    const { skuCodeList = [], skcNameList = [], spuNameList = [] } = body.data;
    const locations = [...context.store.skus.values()].filter(
      (location) =>
        location.spu.supplierId === key.supplierId &&
        (skuCodeList.includes(location.sku.skuCode) || skcNameList.includes(location.skcName) || spuNameList.includes(location.spu.spuName)),
    );
    const bySkc = new Map<string, SkuLocation[]>();
    for (const location of locations) bySkc.set(location.skcName, [...(bySkc.get(location.skcName) ?? []), location]);
    const goodsInventory = [...bySkc.entries()].map(([skcName, entries]) => ({
      spuName: entries[0]?.spu.spuName,
      skcName,
      skuList: entries.map(stockRow),
    }));
    return reply.send(envelope([{ goodsInventory }]));
  });

  app.post('/open-api/stock/change-inventory/v2', async (request, reply) => {
    const key = sellerOf(context, request);
    const rows = readBody(z.object({ updateSkuInventoryQuantityRequests: z.array(z.unknown()).min(1) }), request.body);
    if (!rows.ok) return sendError(reply, 'paramInvalid', rows.detail);
    const count = rows.data.updateSkuInventoryQuantityRequests.length;
    if (count > CHANGE_INVENTORY_MAX_ROWS) {
      return sendError(reply, 'tooManyRows', `updateSkuInventoryQuantityRequests has ${count} rows; send at most ${CHANGE_INVENTORY_MAX_ROWS} per call.`);
    }
    const body = readBody(z.array(changeRowSchema), rows.data.updateSkuInventoryQuantityRequests);
    if (!body.ok) return sendError(reply, 'paramInvalid', `updateSkuInventoryQuantityRequests.${body.detail}`);

    const successList: Array<{ skuCode: string; idempotencyKey: string }> = [];
    const failedList: Array<{ skuCode: string; idempotencyKey: string; reason: string }> = [];
    for (const row of body.data) {
      const outcome = applyRow(context, key.supplierId, row);
      if (outcome.ok) successList.push({ skuCode: row.skuCode, idempotencyKey: row.idempotencyKey });
      else failedList.push({ skuCode: row.skuCode, idempotencyKey: row.idempotencyKey, reason: outcome.reason });
    }
    return reply.send(envelope({ successList, failedList }));
  });
}
