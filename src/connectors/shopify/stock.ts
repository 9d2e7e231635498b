import { randomUUID } from 'node:crypto';
import { MarketplaceError, type MarketplaceErrorKind } from '../shared/errors.js';
import type { StockChange, StockWriteResult } from '../shared/types.js';
import type { ShopifyGraphqlClient } from './client.js';
import { numericIdOf } from './gid.js';
import { availableOf } from './mapping.js';
import { setQuantitiesOperation, STOCK_LEVELS } from './queries.js';
import { classifyUserError, quantityIndexOf, type UserError } from './user-errors.js';

/** Quantities per inventorySetQuantities call. Shopify publishes no cap; 100 matches its older bulk mutations. */
export const STOCK_BATCH_MAX = 100;
/** Shopify rejects totals above 1,000,000,000. */
const MAX_QUANTITY = 1_000_000_000;

export interface WriteStockOptions {
  /** Location whose `available` quantities are set. */
  locationId: string;
  /** `reason` of the adjustment group; default `correction`. */
  reason?: string;
  /** `referenceDocumentUri` of the adjustment group; default one URI per writeStock call. */
  referenceDocumentUri?: string;
  /** Makes the idempotency keys; default crypto.randomUUID. */
  newIdempotencyKey?: () => string;
}

/** Every change of one variant; the last one's quantity is sent. */
interface Entry {
  variantId: string;
  productId: string;
  quantity: number;
  changes: StockChange[];
  /** Inventory item and expected level from the last change, when it had both: sent without a read. */
  known: { inventoryItemId: string; changeFromQuantity: number } | null;
}

interface Target {
  entry: Entry;
  inventoryItemId: string;
  changeFromQuantity: number;
}

/** Error kinds that concern one batch only; after any other kind the remaining batches are not sent. */
const BATCH_SCOPED_KINDS: ReadonlySet<MarketplaceErrorKind> = new Set(['invalid_input', 'not_found', 'conflict', 'unknown']);

/**
 * Sets absolute `available` quantities at one location with `inventorySetQuantities`, at most 100
 * per call, each with a `changeFromQuantity` (compare and set). A change with a `stockHandle` (the
 * InventoryItem gid) and an `expectedQuantity` is sent as it is, with the expected level as
 * `changeFromQuantity`, even when that equals the new quantity, because the level in Shopify may
 * have changed since it was stored and only the compare detects that. The other changes of a batch
 * are read first in one query. Their current quantities are sent as `changeFromQuantity`, and
 * quantities already right are not sent.
 *
 * The batch's idempotency key is made before its first attempt and written into the mutation. When
 * the client's resilience policy sends it again after a network error, timeout or 5xx, Shopify
 * returns the first result without applying it twice. A batch rejected with userErrors
 * (CHANGE_FROM_QUANTITY_STALE included) applied nothing, so its valid quantities are read again and
 * sent once more, with a new key because the parameters changed.
 *
 * Never throws a MarketplaceError. An invalid_input, not_found, conflict or unknown error fails
 * that batch's changes only; an auth, throttled or transient error also fails every later batch
 * without calling the API, so the caller can retry them.
 */
export async function writeStock(client: ShopifyGraphqlClient, changes: readonly StockChange[], options: WriteStockOptions): Promise<StockWriteResult> {
  const result: StockWriteResult = { applied: [], failed: [] };
  const newKey = options.newIdempotencyKey ?? randomUUID;
  const referenceDocumentUri = options.referenceDocumentUri ?? `gid://egdc-integrations/StockWrite/${randomUUID()}`;
  const entries = groupByVariant(changes, result);
  const batches: Array<{ key: string; entries: Entry[] }> = [];
  for (let start = 0; start < entries.length; start += STOCK_BATCH_MAX) {
    batches.push({ key: newKey(), entries: entries.slice(start, start + STOCK_BATCH_MAX) });
  }

  let stopError: MarketplaceError | null = null;
  for (const batch of batches) {
    if (stopError) {
      fail(result, batch.entries, stopError);
      continue;
    }
    try {
      const send = (key: string, targets: Target[]) => sendBatch(client, key, targets, { ...options, referenceDocumentUri });
      await writeBatch(client, batch, options.locationId, newKey, send, result);
    } catch (error) {
      if (!(error instanceof MarketplaceError)) throw error;
      // Entries the batch already settled (read as right, or rejected) keep their outcome.
      const settled = new Set<StockChange>([...result.applied, ...result.failed.map((failure) => failure.change)]);
      fail(result, batch.entries.filter((entry) => !settled.has(entry.changes[0]!)), error);
      if (!BATCH_SCOPED_KINDS.has(error.kind)) stopError = error;
      client.logger?.warn({ kind: error.kind, code: error.code, size: batch.entries.length }, 'stock batch failed');
    }
  }
  return result;
}

type Sender = (key: string, targets: Target[]) => Promise<UserError[]>;

async function writeBatch(
  client: ShopifyGraphqlClient,
  batch: { key: string; entries: Entry[] },
  locationId: string,
  newKey: () => string,
  send: Sender,
  result: StockWriteResult,
): Promise<void> {
  let targets = await planTargets(client, batch.entries, locationId, result, true);
  let key = batch.key;
  for (let attempt = 1; targets.length > 0; attempt++) {
    const userErrors = await send(key, targets);
    if (userErrors.length === 0) {
      for (const target of targets) result.applied.push(...target.entry.changes);
      return;
    }

    const rejected = new Map<number, MarketplaceError>();
    for (const userError of userErrors) {
      const index = quantityIndexOf(userError.field);
      const error = classifyUserError(userError);
      if (index === null || index >= targets.length) {
        // An error on the whole input: nothing in the batch can succeed as sent.
        fail(result, targets.map((target) => target.entry), error);
        return;
      }
      if (!rejected.has(index)) rejected.set(index, error);
    }

    // The mutation applies all or nothing, so quantities without an error were not applied either.
    // On the first attempt those, and the stale ones, are read again and sent once more.
    const stale = [...rejected.values()].some((error) => error.code === 'CHANGE_FROM_QUANTITY_STALE');
    const remaining: Entry[] = [];
    for (const [index, target] of targets.entries()) {
      const error = rejected.get(index);
      const retry = attempt === 1 && (error === undefined || error.code === 'CHANGE_FROM_QUANTITY_STALE');
      if (retry) {
        remaining.push(target.entry);
      } else {
        fail(result, [target.entry], error ?? batchRejected(userErrors.length));
      }
    }
    if (attempt > 1 || remaining.length === 0) return;

    client.logger?.info({ stale, rejected: rejected.size, retrying: remaining.length }, 'stock batch rejected; reading quantities again and retrying once');
    // The expected levels just failed or are in doubt, so the retry reads every quantity it sends.
    targets = await planTargets(client, remaining, locationId, result, false);
    key = newKey();
  }
}

/**
 * Plans the quantities to send, in the order of `entries`. With `useKnown`, entries with a known
 * item and level are taken as they are. The other entries are read with one query, or none when
 * no entry is left to read.
 */
async function planTargets(client: ShopifyGraphqlClient, entries: Entry[], locationId: string, result: StockWriteResult, useKnown: boolean): Promise<Target[]> {
  const toRead = useKnown ? entries.filter((entry) => entry.known === null) : entries;
  const read = toRead.length > 0 ? await readTargets(client, toRead, locationId, result) : new Map<Entry, Target>();
  const targets: Target[] = [];
  for (const entry of entries) {
    const target = useKnown && entry.known !== null ? { entry, ...entry.known } : read.get(entry);
    if (target) targets.push(target);
  }
  return targets;
}

/** Reads the current quantities and returns what must be sent; unknown variants fail, equal quantities apply. */
async function readTargets(client: ShopifyGraphqlClient, entries: Entry[], locationId: string, result: StockWriteResult): Promise<Map<Entry, Target>> {
  const { nodes } = await client.request(STOCK_LEVELS, { ids: entries.map((entry) => entry.variantId), locationId });
  const targets = new Map<Entry, Target>();
  for (const [index, entry] of entries.entries()) {
    const node = nodes[index];
    if (!node || node.id !== entry.variantId) {
      fail(result, [entry], localError('not_found', 'variant_not_found', `variant ${entry.variantId} does not exist`));
    } else if (node.product.id !== entry.productId) {
      fail(result, [entry], localError('not_found', 'variant_not_found', `variant ${entry.variantId} belongs to ${node.product.id}, not ${entry.productId}`));
    } else if (node.inventoryItem.inventoryLevel === null) {
      fail(result, [entry], localError('not_found', 'not_stocked_at_location', `variant ${entry.variantId} is not stocked at ${locationId}`));
    } else {
      const current = availableOf(node.inventoryItem.inventoryLevel);
      if (current === entry.quantity) {
        result.applied.push(...entry.changes);
      } else {
        targets.set(entry, { entry, inventoryItemId: node.inventoryItem.id, changeFromQuantity: current });
      }
    }
  }
  return targets;
}

async function sendBatch(
  client: ShopifyGraphqlClient,
  key: string,
  targets: Target[],
  options: WriteStockOptions & { referenceDocumentUri: string },
): Promise<UserError[]> {
  const operation = setQuantitiesOperation(key);
  const input = {
    name: 'available',
    reason: options.reason ?? 'correction',
    referenceDocumentUri: options.referenceDocumentUri,
    quantities: targets.map((target) => ({
      inventoryItemId: target.inventoryItemId,
      locationId: options.locationId,
      quantity: target.entry.quantity,
      changeFromQuantity: target.changeFromQuantity,
    })),
  };
  return (await client.request(operation, { input })).inventorySetQuantities.userErrors;
}

function groupByVariant(changes: readonly StockChange[], result: StockWriteResult): Entry[] {
  const entries = new Map<string, Entry>();
  for (const change of changes) {
    const variantId = change.externalVariantId;
    if (variantId === null || numericIdOf(variantId, 'ProductVariant') === null) {
      const shown = variantId === null ? 'no variant id' : `variant id "${variantId}"`;
      result.failed.push({ change, error: localError('invalid_input', 'variant_required', `the change has ${shown}; Shopify stock is set per variant (gid://shopify/ProductVariant/<number>)`) });
    } else if (!Number.isInteger(change.quantity) || change.quantity < 0 || change.quantity > MAX_QUANTITY) {
      result.failed.push({ change, error: localError('invalid_input', 'invalid_quantity', `quantity ${change.quantity} for ${variantId} is not a whole number from 0 to ${MAX_QUANTITY}`) });
    } else {
      const entry = entries.get(variantId);
      if (entry) {
        entry.quantity = change.quantity;
        entry.productId = change.externalId;
        entry.known = knownLevelOf(change);
        entry.changes.push(change);
      } else {
        entries.set(variantId, { variantId, productId: change.externalId, quantity: change.quantity, changes: [change], known: knownLevelOf(change) });
      }
    }
  }
  return [...entries.values()];
}

/** Returns the change's inventory item and expected level when both are usable, or null so that the write reads them. */
function knownLevelOf(change: StockChange): Entry['known'] {
  const { stockHandle, expectedQuantity } = change;
  if (typeof stockHandle !== 'string' || numericIdOf(stockHandle, 'InventoryItem') === null) return null;
  if (typeof expectedQuantity !== 'number' || !Number.isInteger(expectedQuantity)) return null;
  return { inventoryItemId: stockHandle, changeFromQuantity: expectedQuantity };
}

function fail(result: StockWriteResult, entries: readonly Entry[], error: MarketplaceError): void {
  for (const entry of entries) {
    for (const change of entry.changes) result.failed.push({ change, error });
  }
}

function batchRejected(errorCount: number): MarketplaceError {
  return new MarketplaceError(
    'SHOPIFY',
    `Shopify stock change not applied: the batch was rejected with ${errorCount} error(s) on other quantities, and inventorySetQuantities applies all or nothing. Send it again.`,
    { kind: 'conflict', code: 'batch_rejected' },
  );
}

function localError(kind: MarketplaceErrorKind, code: string, problem: string): MarketplaceError {
  return new MarketplaceError('SHOPIFY', `Shopify stock change not sent: ${problem}. Correct the change and send it again.`, { kind, code });
}
