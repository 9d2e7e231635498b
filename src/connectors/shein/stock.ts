import { randomUUID } from 'node:crypto';
import { MarketplaceError, type MarketplaceErrorKind } from '../shared/errors.js';
import type { StockChange, StockWriteResult } from '../shared/types.js';
import type { SheinClient } from './client.js';
import { changeInventoryInfoSchema } from './schemas.js';

export const CHANGE_INVENTORY_PATH = '/open-api/stock/change-inventory/v2';
/** SHEIN accepts 1 to 100 rows per stock change call. */
export const CHANGE_INVENTORY_MAX_ROWS = 100;
const CHANGE_REASON = 'EGDC inventory sync';

type FailedChange = StockWriteResult['failed'][number];

/** One row of a change-inventory call; its idempotency key is fixed before the first attempt. */
export interface InventoryChangeRow {
  idempotencyKey: string;
  skuCode: string;
  warehouseCode?: string;
  invType: 'VI';
  changeType: 'OVERWRITE';
  changeQuantity: number;
  changeReason: string;
}

export interface WriteStockOptions {
  warehouseCode?: string;
}

interface PlannedRow {
  row: InventoryChangeRow;
  /** Every change that named this SKU; the last one's quantity is sent. */
  changes: StockChange[];
}

/**
 * Sets absolute usable quantities (changeType OVERWRITE, virtual inventory) in calls of at most
 * 100 rows. Each row gets an idempotency key before its first attempt. The client's resilience
 * policy sends a call again with the same body when no response arrived or SHEIN responded with
 * 429 or 5xx, so the keys make a repeated call apply once.
 * Rows listed in `failedList` fail alone. When several changes name one SKU, the last quantity is
 * sent and all of them share its result.
 *
 * Never throws a MarketplaceError. An invalid_input, not_found or unknown error fails that call's
 * rows only; an auth or throttled error, or a transient one that outlived the retries, fails the
 * remaining rows too without calling SHEIN again, so the caller can retry them later.
 */
export async function writeStock(client: SheinClient, changes: readonly StockChange[], options: WriteStockOptions = {}): Promise<StockWriteResult> {
  const result: StockWriteResult = { applied: [], failed: [] };
  const planned = new Map<string, PlannedRow>();
  for (const change of changes) {
    const problem = checkChange(change);
    if (problem) {
      result.failed.push({ change, error: problem });
      continue;
    }
    const skuCode = change.externalVariantId as string;
    const entry = planned.get(skuCode);
    if (entry) {
      entry.row.changeQuantity = change.quantity;
      entry.changes.push(change);
    } else {
      planned.set(skuCode, { row: newRow(skuCode, change.quantity, options.warehouseCode), changes: [change] });
    }
  }

  const rows = [...planned.values()];
  let stopError: MarketplaceError | null = null;
  for (let start = 0; start < rows.length; start += CHANGE_INVENTORY_MAX_ROWS) {
    const chunk = rows.slice(start, start + CHANGE_INVENTORY_MAX_ROWS);
    if (stopError) {
      result.failed.push(...failAll(chunk, stopError));
      continue;
    }
    try {
      const rejected = await sendChunk(client, chunk.map((entry) => entry.row));
      for (const entry of chunk) {
        const reason = rejected.get(entry.row.skuCode);
        if (reason === undefined) {
          result.applied.push(...entry.changes);
        } else {
          result.failed.push(...entry.changes.map((change) => ({ change, error: rowError(entry.row.skuCode, reason) })));
        }
      }
    } catch (error) {
      if (!(error instanceof MarketplaceError)) {
        throw error;
      }
      result.failed.push(...failAll(chunk, error));
      if (error.kind === 'auth' || error.kind === 'throttled' || error.kind === 'transient') {
        stopError = error;
      }
      client.logger?.warn({ rows: chunk.length, kind: error.kind, code: error.code, status: error.status }, 'SHEIN stock change call failed');
    }
  }
  return result;
}

/** Sends one call; returns the rejected SKUs with their reasons. */
async function sendChunk(client: SheinClient, rows: InventoryChangeRow[]): Promise<Map<string, string>> {
  const info = await client.post(CHANGE_INVENTORY_PATH, { updateSkuInventoryQuantityRequests: rows }, changeInventoryInfoSchema);
  const sent = new Set(rows.map((row) => row.skuCode));
  const rejected = new Map<string, string>();
  for (const failure of info?.failedList ?? []) {
    if (sent.has(failure.skuCode)) {
      rejected.set(failure.skuCode, failure.reason ?? 'no reason given');
    } else {
      client.logger?.warn({ skuCode: failure.skuCode }, 'SHEIN failedList names a SKU that was not sent; ignored');
    }
  }
  return rejected;
}

function newRow(skuCode: string, quantity: number, warehouseCode: string | undefined): InventoryChangeRow {
  return {
    idempotencyKey: randomUUID(),
    skuCode,
    ...(warehouseCode === undefined ? {} : { warehouseCode }),
    invType: 'VI',
    changeType: 'OVERWRITE',
    changeQuantity: quantity,
    changeReason: CHANGE_REASON,
  };
}

function checkChange(change: StockChange): MarketplaceError | null {
  if (change.externalVariantId === null || change.externalVariantId === '') {
    return localError('invalid_input', 'sku_code_required', `SPU ${change.externalId} has no SKU code in the change; SHEIN sets stock per SKU (size)`);
  }
  if (!Number.isInteger(change.quantity) || change.quantity < 0) {
    return localError('invalid_input', 'invalid_quantity', `quantity ${change.quantity} for SKU ${change.externalVariantId} is not a whole number >= 0`);
  }
  return null;
}

function failAll(chunk: readonly PlannedRow[], error: MarketplaceError): FailedChange[] {
  return chunk.flatMap((entry) => entry.changes.map((change) => ({ change, error })));
}

function rowError(skuCode: string, reason: string): MarketplaceError {
  const kind: MarketplaceErrorKind = /not found|no existe|不存在/i.test(reason) ? 'not_found' : 'invalid_input';
  return new MarketplaceError('SHEIN', `SHEIN did not apply the stock change of SKU ${skuCode}: ${reason}. Check the SKU and send the change again.`, {
    kind,
    code: 'stock_row_rejected',
    marketplaceMessage: reason,
  });
}

function localError(kind: MarketplaceErrorKind, code: string, problem: string): MarketplaceError {
  return new MarketplaceError('SHEIN', `SHEIN stock change not sent: ${problem}. Correct the change and send it again.`, { kind, code });
}
