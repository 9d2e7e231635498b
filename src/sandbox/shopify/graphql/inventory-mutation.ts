import { getDirectiveValues, GraphQLError, type GraphQLResolveInfo } from 'graphql';
import { emitWebhook } from '../context.js';
import { gid, parseGid } from '../gid.js';
import { MAX_QUANTITY } from '../inventory.js';
import { inventoryLevelPayload } from '../payloads.js';
import type { InventoryItemRecord } from '../store.js';
import { canonicalJson } from './idempotency.js';
import { requireScope, versionAtLeast, type GraphqlContext } from './request-context.js';
import { inventoryItemView, locationView } from './views.js';

export interface SetQuantitiesInput {
  name: string;
  reason: string;
  referenceDocumentUri?: string | null;
  quantities: Array<{ inventoryItemId: string; locationId: string; quantity: number; changeFromQuantity?: number | null }>;
}

interface UserError {
  code: string;
  field: string[];
  message: string;
}

interface Payload {
  inventoryAdjustmentGroup: Record<string, unknown> | null;
  userErrors: UserError[];
}

/** Reasons Shopify accepts on inventory changes. */
const REASONS = new Set([
  'correction', 'cycle_count_available', 'damaged', 'movement_created', 'movement_updated', 'movement_received', 'movement_canceled',
  'other', 'promotion', 'quality_control', 'received', 'reservation_created', 'reservation_deleted', 'reservation_updated', 'restock',
  'safety_stock', 'shrinkage',
]);

/**
 * inventorySetQuantities with Shopify's 2026-04 rules: `@idempotent(key:)` and a
 * `changeFromQuantity` on every quantity are required (null opts out of the check). The mutation is
 * all or nothing: any userError (a stale changeFromQuantity included) leaves every quantity as it
 * was. A repeated key with equal parameters returns the first result without applying it again.
 */
export function setInventoryQuantities(context: GraphqlContext, input: SetQuantitiesInput, info: GraphQLResolveInfo): Payload {
  requireScope(context, 'write_inventory', 'inventorySetQuantities');
  const key = idempotencyKeyOf(context, info);
  const strict = versionAtLeast(context, '2026-04');
  if (strict && key === undefined) {
    throw new GraphQLError('The @idempotent directive is required for this mutation. Add @idempotent(key: "<unique key>") to inventorySetQuantities.', {
      extensions: { code: 'BAD_REQUEST' },
    });
  }
  // NOTE: Shopify documents only that omitting changeFromQuantity "returns an error"; its exact shape is a guess.
  const missing = input.quantities.findIndex((quantity) => !('changeFromQuantity' in quantity));
  if (strict && missing !== -1) {
    throw new GraphQLError(
      `quantities[${missing}].changeFromQuantity is required as of API version 2026-04: pass the quantity you expect to replace, or null to skip the check.`,
      { extensions: { code: 'BAD_REQUEST' }, path: ['inventorySetQuantities', 'input', 'quantities', missing, 'changeFromQuantity'] },
    );
  }

  const scope = `${context.clientId}|${context.shop.domain}`;
  const parameters = canonicalJson(input);
  if (key !== undefined) {
    const previous = context.sandbox.idempotency.get<Payload>(scope, key);
    if (previous && previous.parameters !== parameters) {
      return rejected('IDEMPOTENCY_KEY_PARAMETER_MISMATCH', [], 'The same idempotency key cannot be used with different operation parameters.');
    }
    if (previous?.failed) {
      return rejected('IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED', [], 'A previous request with this idempotency key failed. Retry with a new idempotency key.');
    }
    if (previous) return previous.result;
  }

  const payload = apply(context, input, key);
  if (key !== undefined) context.sandbox.idempotency.set(scope, key, { parameters, result: payload, failed: payload.userErrors.length > 0 });
  return payload;
}

function apply(context: GraphqlContext, input: SetQuantitiesInput, key: string | undefined): Payload {
  const { store, ledger } = context.sandbox;
  const errors: UserError[] = [];
  if (input.name !== 'available' && input.name !== 'on_hand') {
    errors.push({ code: 'INVALID_NAME', field: ['input', 'name'], message: "The quantity name must be either 'available' or 'on_hand'." });
  }
  if (!REASONS.has(input.reason)) errors.push({ code: 'INVALID_REASON', field: ['input', 'reason'], message: `The reason "${input.reason}" is invalid.` });
  if (input.referenceDocumentUri && !URL.canParse(input.referenceDocumentUri)) {
    errors.push({ code: 'INVALID_REFERENCE_DOCUMENT', field: ['input', 'referenceDocumentUri'], message: 'The reference document URI is not a valid URI.' });
  }

  const targets: Array<{ item: InventoryItemRecord; locationId: number; quantity: number }> = [];
  const seen = new Set<string>();
  input.quantities.forEach((quantity, index) => {
    const field = (name: string): string[] => ['input', 'quantities', String(index), name];
    const itemId = parseGid(quantity.inventoryItemId, 'InventoryItem');
    const item = itemId === undefined ? undefined : store.inventoryItems.get(itemId);
    const locationId = parseGid(quantity.locationId, 'Location');
    const location = context.shop.locations.find((candidate) => candidate.id === locationId);
    if (!item || item.shopDomain !== context.shop.domain) {
      errors.push({ code: 'INVALID_INVENTORY_ITEM', field: field('inventoryItemId'), message: 'The specified inventory item could not be found.' });
    } else if (!location) {
      errors.push({ code: 'INVALID_LOCATION', field: field('locationId'), message: 'The specified location could not be found.' });
    } else if (quantity.quantity < 0) {
      errors.push({ code: 'INVALID_QUANTITY_NEGATIVE', field: field('quantity'), message: "The quantity can't be negative." });
    } else if (quantity.quantity > MAX_QUANTITY) {
      errors.push({ code: 'INVALID_QUANTITY_TOO_HIGH', field: field('quantity'), message: "The total quantity can't be higher than 1,000,000,000." });
    } else if (seen.has(`${item.id}:${location.id}`)) {
      errors.push({ code: 'NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR', field: field('inventoryItemId'), message: 'The combination of inventoryItemId and locationId must be unique.' });
    } else {
      seen.add(`${item.id}:${location.id}`);
      const level = item.levels.get(location.id);
      let current = level?.available ?? 0;
      if (input.name === 'on_hand' && level) current = level.available + level.committed;
      const expected = quantity.changeFromQuantity;
      if (expected !== undefined && expected !== null && expected !== current) {
        errors.push({ code: 'CHANGE_FROM_QUANTITY_STALE', field: field('changeFromQuantity'), message: 'The changeFromQuantity value does not match persisted value.' });
      } else {
        targets.push({ item, locationId: location.id, quantity: quantity.quantity });
      }
    }
  });
  if (errors.length > 0) return { inventoryAdjustmentGroup: null, userErrors: errors };

  const name = input.name === 'on_hand' ? 'on_hand' : 'available';
  const changes = targets.flatMap(({ item, locationId, quantity }) => {
    const delta = ledger.set(item, locationId, name, quantity, { reason: input.reason, source: 'api', idempotencyKey: key }, context.now);
    if (delta === 0) return [];
    emitWebhook(context.sandbox, context.shop.domain, 'inventory_levels/update', inventoryLevelPayload(item, locationId));
    const location = context.shop.locations.find((candidate) => candidate.id === locationId);
    return [{ name, delta, quantityAfterChange: quantity, item: () => inventoryItemView(context, item), location: () => (location ? locationView(location) : null) }];
  });
  const group = {
    id: gid('InventoryAdjustmentGroup', ledger.newAdjustmentGroupId()),
    createdAt: context.now.toISOString(),
    reason: input.reason,
    referenceDocumentUri: input.referenceDocumentUri ?? null,
    changes,
  };
  return { inventoryAdjustmentGroup: group, userErrors: [] };
}

function idempotencyKeyOf(context: GraphqlContext, info: GraphQLResolveInfo): string | undefined {
  const directive = context.sandbox.schema.getDirective('idempotent');
  const fieldNode = info.fieldNodes[0];
  if (!directive || !fieldNode) return undefined;
  const values = getDirectiveValues(directive, fieldNode, info.variableValues);
  const key = values?.key;
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || key.trim() === '' || key.length > 255) {
    throw new GraphQLError('The @idempotent key must be a non-empty string of at most 255 characters.', { extensions: { code: 'BAD_REQUEST' } });
  }
  return key;
}

function rejected(code: string, field: string[], message: string): Payload {
  return { inventoryAdjustmentGroup: null, userErrors: [{ code, field, message }] };
}
