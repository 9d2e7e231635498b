import { MarketplaceError, type MarketplaceErrorKind } from '../shared/errors.js';
import { redactSecrets } from '../shared/redact.js';
import type { StockChange, StockWriteResult } from '../shared/types.js';
import type { TikTokClient } from './client.js';
import { classifyTikTokError, TIKTOK_SECRET_PATTERNS } from './errors.js';
import { inventoryUpdateDataSchema, type TikTokInventoryError } from './schemas.js';

/** TikTok accepts absolute quantities from 0 up to, but not including, 99 999. */
export const MAX_INVENTORY_QUANTITY = 99_998;

/** Error kinds that concern one product only; after any other kind the remaining products are not sent. */
const PRODUCT_SCOPED_KINDS: ReadonlySet<MarketplaceErrorKind> = new Set(['invalid_input', 'not_found', 'conflict', 'unknown']);

export interface WriteStockOptions {
  /**
   * Warehouse whose quantity is set. When null the body leaves warehouse_id out, which TikTok
   * accepts only for shops with a single default warehouse.
   * NOTE: the whole quantity goes to this one warehouse. Stock of the SKU in other warehouses of
   * the shop is left as it is and still counts as available.
   */
  warehouseId?: string | null;
}

/** `details` of a MarketplaceError built from one entry of `data.errors` of an inventory update. */
export interface TikTokSkuErrorDetails {
  code: number;
  extraErrors: Array<{ warehouseId: string | null; code: number | null; message: string | null }>;
}

/**
 * Sets absolute quantities with one inventory update per product
 * (POST /product/202309/products/{id}/inventory/update). When several changes name the same SKU,
 * the last one is sent and all of them are reported with its outcome.
 *
 * Never throws a MarketplaceError. Per-SKU errors that TikTok returns in `data.errors` (with a
 * top-level code 0) fail those SKUs only. A failed call with an invalid_input, not_found,
 * conflict or unknown error fails that product's changes only. An auth, throttled or transient
 * error fails that product's changes and every later product's without calling the API again.
 */
export async function writeStock(client: TikTokClient, changes: readonly StockChange[], options: WriteStockOptions = {}): Promise<StockWriteResult> {
  const result: StockWriteResult = { applied: [], failed: [] };
  const warehouseId = options.warehouseId ?? null;
  let stopError: MarketplaceError | null = null;

  for (const [productId, productChanges] of groupByProduct(changes)) {
    if (stopError) {
      result.failed.push(...productChanges.map((change) => ({ change, error: stopError as MarketplaceError })));
      continue;
    }
    const valid: Array<StockChange & { externalVariantId: string }> = [];
    for (const change of productChanges) {
      const problem = validateChange(change);
      if (problem === null) {
        valid.push(change as StockChange & { externalVariantId: string });
      } else {
        result.failed.push({ change, error: localError(problem.code, `${problem.text} (product ${productId})`) });
      }
    }
    if (valid.length === 0) {
      continue;
    }

    const quantities = new Map<string, number>();
    for (const change of valid) quantities.set(change.externalVariantId, change.quantity);
    const body = {
      skus: [...quantities].map(([skuId, quantity]) => ({
        id: skuId,
        inventory: [warehouseId === null ? { quantity } : { warehouse_id: warehouseId, quantity }],
      })),
    };

    try {
      const path = `/product/202309/products/${encodeURIComponent(productId)}/inventory/update`;
      // Absolute quantities: sending the update again leaves the same stock, so retries are safe.
      const data = await client.request({ method: 'POST', path, body, schema: inventoryUpdateDataSchema, idempotent: true });
      const skuErrors = new Map<string, TikTokInventoryError>();
      const productErrors: TikTokInventoryError[] = [];
      for (const entry of data?.errors ?? []) {
        const skuId = entry.detail?.sku_id;
        if (skuId) skuErrors.set(skuId, entry);
        else productErrors.push(entry);
      }
      for (const change of valid) {
        // An error without sku_id concerns the whole request, so it fails every SKU in it.
        const entry = skuErrors.get(change.externalVariantId) ?? productErrors[0];
        if (entry) result.failed.push({ change, error: skuError(productId, change.externalVariantId, entry) });
        else result.applied.push(change);
      }
      if (skuErrors.size > 0 || productErrors.length > 0) {
        client.logger?.warn({ productId, failedSkus: [...skuErrors.keys()], productErrors: productErrors.length }, 'TikTok Shop rejected the inventory of some SKUs');
      }
    } catch (error) {
      if (!(error instanceof MarketplaceError)) {
        throw error;
      }
      result.failed.push(...valid.map((change) => ({ change, error })));
      if (!PRODUCT_SCOPED_KINDS.has(error.kind)) {
        stopError = error;
      }
      client.logger?.warn({ productId, kind: error.kind, code: error.code, status: error.status }, 'TikTok Shop inventory update failed for product');
    }
  }
  return result;
}

function validateChange(change: StockChange): { code: string; text: string } | null {
  if (change.externalVariantId === null || !/^\d+$/.test(change.externalVariantId)) {
    return { code: 'sku_required', text: `the change must name a numeric TikTok SKU id, got ${JSON.stringify(change.externalVariantId)}` };
  }
  if (!Number.isInteger(change.quantity) || change.quantity < 0 || change.quantity > MAX_INVENTORY_QUANTITY) {
    return { code: 'invalid_quantity', text: `quantity ${change.quantity} for SKU ${change.externalVariantId} is not a whole number from 0 to ${MAX_INVENTORY_QUANTITY}` };
  }
  return null;
}

function skuError(productId: string, skuId: string, entry: TikTokInventoryError): MarketplaceError {
  const redact = (text: string): string => redactSecrets(text, TIKTOK_SECRET_PATTERNS);
  const { kind, code } = classifyTikTokError(undefined, entry.code, entry.message ?? undefined);
  const extraErrors = (entry.detail?.extra_errors ?? []).map((extra) => ({
    warehouseId: extra.warehouse_id ?? null,
    code: extra.code ?? null,
    message: extra.message ? redact(extra.message) : null,
  }));
  const marketplaceMessage = entry.message ? redact(entry.message) : undefined;
  const warehouses = extraErrors.map((extra) => `warehouse ${extra.warehouseId ?? '?'}: ${extra.message ?? extra.code ?? 'rejected'}`).join('; ');
  const details: TikTokSkuErrorDetails = { code: entry.code, extraErrors };
  const message =
    `TikTok Shop rejected the inventory of SKU ${skuId} of product ${productId} (code ${entry.code})` +
    `${marketplaceMessage ? `: ${marketplaceMessage}` : ''}${warehouses ? ` [${warehouses}]` : ''}. ` +
    'Check the SKU status and warehouse on TikTok Shop; other SKUs of the request were applied.';
  return new MarketplaceError('TIKTOK', message, { kind, code, marketplaceMessage, details });
}

function groupByProduct(changes: readonly StockChange[]): Map<string, StockChange[]> {
  const groups = new Map<string, StockChange[]>();
  for (const change of changes) {
    const group = groups.get(change.externalId);
    if (group) group.push(change);
    else groups.set(change.externalId, [change]);
  }
  return groups;
}

function localError(code: string, problem: string): MarketplaceError {
  return new MarketplaceError('TIKTOK', `TikTok Shop stock change not sent: ${problem}. Correct the change and send it again.`, { kind: 'invalid_input', code });
}
