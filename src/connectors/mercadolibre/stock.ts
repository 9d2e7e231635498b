import { MarketplaceError, type MarketplaceErrorKind } from '../shared/errors.js';
import type { StockChange, StockWriteResult } from '../shared/types.js';
import type { MercadoLibreClient } from './client.js';
import { getItem } from './listings.js';
import { itemSchema, type MercadoLibreItem } from './schemas.js';

type FailedChange = StockWriteResult['failed'][number];

/** Error kinds that concern one item only; after any other kind the remaining items are not sent. */
const ITEM_SCOPED_KINDS: ReadonlySet<MarketplaceErrorKind> = new Set(['invalid_input', 'not_found', 'conflict', 'unknown']);

interface ItemUpdatePlan {
  /** PUT /items/{id} body, or null when nothing needs to be sent. */
  body: { available_quantity: number } | { variations: Array<{ id: number | string; available_quantity?: number }> } | null;
  accepted: StockChange[];
  rejected: FailedChange[];
}

/**
 * Sets absolute available quantities with one GET and at most one PUT per item. The PUT is left
 * out when every named listing already has its quantity. With variations, the PUT lists every
 * variation of the item by id, and only the changed ones carry `available_quantity`. The reason
 * is that MercadoLibre deletes omitted variations and recreates those sent without id, which
 * loses their sales history. When several changes name the same listing, the last one is sent
 * and all of them are reported applied.
 *
 * Never throws a MarketplaceError. An invalid_input, not_found, conflict or unknown error (an
 * unexpected response is unknown) fails that item's changes only. An auth, throttled or transient error fails that item's
 * changes and every later item's without calling the API again, so the caller can retry them.
 */
export async function writeStock(client: MercadoLibreClient, changes: readonly StockChange[]): Promise<StockWriteResult> {
  const result: StockWriteResult = { applied: [], failed: [] };
  let stopError: MarketplaceError | null = null;

  for (const [itemId, itemChanges] of groupByItem(changes)) {
    if (stopError) {
      result.failed.push(...itemChanges.map((change) => ({ change, error: stopError as MarketplaceError })));
      continue;
    }
    const valid: StockChange[] = [];
    for (const change of itemChanges) {
      if (Number.isInteger(change.quantity) && change.quantity >= 0) {
        valid.push(change);
      } else {
        result.failed.push({ change, error: localError('invalid_input', 'invalid_quantity', `quantity ${change.quantity} for item ${itemId} is not a whole number >= 0`) });
      }
    }
    if (valid.length === 0) {
      continue;
    }

    try {
      const item = await getItem(client, itemId);
      const plan = planItemUpdate(item, valid);
      result.failed.push(...plan.rejected);
      if (plan.body !== null) {
        await client.put(`/items/${encodeURIComponent(itemId)}`, plan.body, itemSchema);
      } else if (plan.accepted.length > 0) {
        client.logger?.debug({ itemId }, 'stock already at the requested quantities; no update sent');
      }
      result.applied.push(...plan.accepted);
    } catch (error) {
      if (!(error instanceof MarketplaceError)) {
        throw error;
      }
      result.failed.push(...valid.map((change) => ({ change, error })));
      if (!ITEM_SCOPED_KINDS.has(error.kind)) {
        stopError = error;
      }
      client.logger?.warn({ itemId, kind: error.kind, code: error.code, status: error.status }, 'stock update failed for item');
    }
  }
  return result;
}

function planItemUpdate(item: MercadoLibreItem, changes: readonly StockChange[]): ItemUpdatePlan {
  const variations = item.variations ?? [];
  const accepted: StockChange[] = [];
  const rejected: FailedChange[] = [];

  if (variations.length === 0) {
    let quantity: number | null = null;
    for (const change of changes) {
      if (change.externalVariantId !== null) {
        rejected.push({ change, error: localError('not_found', 'variation_not_found', `item ${item.id} has no variations, but the change names variation ${change.externalVariantId}`) });
      } else {
        quantity = change.quantity;
        accepted.push(change);
      }
    }
    if (quantity === null || quantity === item.available_quantity) {
      return { body: null, accepted, rejected };
    }
    return { body: { available_quantity: quantity }, accepted, rejected };
  }

  const quantities = new Map<string, number>();
  const known = new Set(variations.map((variation) => String(variation.id)));
  for (const change of changes) {
    if (change.externalVariantId === null) {
      rejected.push({ change, error: localError('invalid_input', 'variation_required', `item ${item.id} has variations; the change must name one of them`) });
    } else if (!known.has(change.externalVariantId)) {
      rejected.push({ change, error: localError('not_found', 'variation_not_found', `variation ${change.externalVariantId} does not exist on item ${item.id}`) });
    } else {
      quantities.set(change.externalVariantId, change.quantity);
      accepted.push(change);
    }
  }

  const changed = variations.some((variation) => {
    const quantity = quantities.get(String(variation.id));
    return quantity !== undefined && quantity !== variation.available_quantity;
  });
  if (!changed) {
    return { body: null, accepted, rejected };
  }
  const body = {
    variations: variations.map((variation) => {
      const quantity = quantities.get(String(variation.id));
      return quantity === undefined ? { id: variation.id } : { id: variation.id, available_quantity: quantity };
    }),
  };
  return { body, accepted, rejected };
}

function groupByItem(changes: readonly StockChange[]): Map<string, StockChange[]> {
  const groups = new Map<string, StockChange[]>();
  for (const change of changes) {
    const group = groups.get(change.externalId);
    if (group) {
      group.push(change);
    } else {
      groups.set(change.externalId, [change]);
    }
  }
  return groups;
}

function localError(kind: MarketplaceErrorKind, code: string, problem: string): MarketplaceError {
  return new MarketplaceError('MERCADOLIBRE', `MercadoLibre stock change not sent: ${problem}. Correct the change and send it again.`, { kind, code });
}
