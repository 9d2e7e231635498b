import { recomputeTotals } from './catalog.js';
import type { ValidationCause } from './errors.js';
import type { Item } from './types.js';

/*
 * Stock updates through PUT /items/{id}. Real MercadoLibre deletes and recreates a variation sent
 * without id and removes variations left out of the list, losing their sales history. The sandbox
 * rejects both instead, so that an integration that would lose sales fails in tests.
 */

const CAUSE_IDS: Record<string, number> = {
  'item.variations.id.missing': 3701,
  'item.variations.missing': 3702,
  'item.variations.id.invalid': 3703,
  'item.variations.id.duplicated': 3704,
  'item.variations.invalid': 3705,
  'item.available_quantity.invalid': 3706,
  'item.available_quantity.not_modifiable': 3707,
  'item.field.unsupported': 3708,
  'item.body.empty': 3709,
  'item.status.not_modifiable': 3710,
};

// Top-level message of the error, chosen by the code of its first cause.
const SUMMARIES: Record<string, string> = {
  'item.variations.id.missing': 'Variation without id would be recreated',
  'item.variations.missing': 'Omitted variations would be deleted',
  'item.variations.id.invalid': 'Unknown variation id',
  'item.variations.id.duplicated': 'Duplicated variation id',
  'item.variations.invalid': 'Invalid variations',
  'item.available_quantity.invalid': 'Invalid available_quantity',
  'item.available_quantity.not_modifiable': 'available_quantity cannot be set on an item with variations',
  'item.field.unsupported': 'Unsupported field',
  'item.body.empty': 'Nothing to update',
  'item.status.not_modifiable': 'Closed items cannot be modified',
};

export type ItemUpdateResult = { ok: true; item: Item } | { ok: false; message: string; cause: ValidationCause[] };

function cause(code: string, message: string, references: string[]): ValidationCause {
  return { code, message, type: 'error', department: 'items', cause_id: CAUSE_IDS[code] ?? 3700, references };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isValidQuantity(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** Changes to apply once the whole body is valid: new stock by variation id, or for the item itself. */
interface StockChanges {
  itemQuantity?: number;
  variationQuantities: Map<number, number>;
}

function collectVariationCauses(item: Item, entries: unknown, changes: StockChanges, causes: ValidationCause[]): void {
  if (!Array.isArray(entries)) {
    causes.push(cause('item.variations.invalid', 'variations must be an array of {"id", "available_quantity"} objects.', ['variations']));
    return;
  }
  const knownIds = new Set(item.variations.map((variation) => variation.id));
  const listedIds = new Set<number>();

  entries.forEach((entry: unknown, index) => {
    const path = `variations[${index}]`;
    if (!isRecord(entry)) {
      causes.push(cause('item.variations.invalid', `${path} must be an object.`, [path]));
      return;
    }
    for (const key of Object.keys(entry)) {
      if (key !== 'id' && key !== 'available_quantity') {
        causes.push(cause('item.field.unsupported', `${path}.${key} is not supported by the sandbox; send only id and available_quantity.`, [`${path}.${key}`]));
      }
    }
    const id = entry.id;
    if (id === undefined || id === null) {
      causes.push(cause('item.variations.id.missing', `${path} has no id: MercadoLibre would delete the variation and create a new one, losing its sales. Send the id of the existing variation.`, [`${path}.id`]));
      return;
    }
    if (typeof id !== 'number' || !knownIds.has(id)) {
      causes.push(cause('item.variations.id.invalid', `${path}.id ${JSON.stringify(id)} is not a variation of item ${item.id}.`, [`${path}.id`]));
      return;
    }
    if (listedIds.has(id)) {
      causes.push(cause('item.variations.id.duplicated', `Variation ${id} is listed more than once.`, [`${path}.id`]));
      return;
    }
    listedIds.add(id);
    if (entry.available_quantity === undefined) return;
    if (!isValidQuantity(entry.available_quantity)) {
      causes.push(cause('item.available_quantity.invalid', `${path}.available_quantity must be an integer of 0 or more (received ${JSON.stringify(entry.available_quantity)}).`, [`${path}.available_quantity`]));
      return;
    }
    changes.variationQuantities.set(id, entry.available_quantity);
  });

  for (const variation of item.variations) {
    if (!listedIds.has(variation.id)) {
      causes.push(cause('item.variations.missing', `Variation ${variation.id} is missing from the request: MercadoLibre would delete it. List every variation with its id.`, ['variations']));
    }
  }
}

/** Validates a PUT /items/{id} body and, when it is valid, applies it to the item. */
export function applyItemUpdate(item: Item, body: unknown, now: Date): ItemUpdateResult {
  const causes: ValidationCause[] = [];
  const changes: StockChanges = { variationQuantities: new Map() };

  if (!isRecord(body)) {
    causes.push(cause('item.body.empty', 'The body must be a JSON object such as {"available_quantity": 6} or {"variations": [...]}.', []));
  } else if (item.status === 'closed') {
    causes.push(cause('item.status.not_modifiable', `Item ${item.id} is closed and cannot be modified.`, ['status']));
  } else {
    for (const key of Object.keys(body)) {
      if (key !== 'available_quantity' && key !== 'variations') {
        causes.push(cause('item.field.unsupported', `${key} is not supported by the sandbox; it updates available_quantity and variations only.`, [key]));
      }
    }
    if (body.available_quantity === undefined && body.variations === undefined) {
      causes.push(cause('item.body.empty', 'Send available_quantity, or variations with the id of every variation.', []));
    }
    if (body.available_quantity !== undefined) {
      if (item.variations.length > 0) {
        causes.push(cause('item.available_quantity.not_modifiable', `Item ${item.id} has variations, so its available_quantity is their sum; send variations[].available_quantity instead.`, ['available_quantity']));
      } else if (!isValidQuantity(body.available_quantity)) {
        causes.push(cause('item.available_quantity.invalid', `available_quantity must be an integer of 0 or more (received ${JSON.stringify(body.available_quantity)}).`, ['available_quantity']));
      } else {
        changes.itemQuantity = body.available_quantity;
      }
    }
    if (body.variations !== undefined) collectVariationCauses(item, body.variations, changes, causes);
  }

  const first = causes[0];
  if (first) return { ok: false, message: SUMMARIES[first.code] ?? 'Validation error', cause: causes };

  for (const variation of item.variations) {
    const quantity = changes.variationQuantities.get(variation.id);
    if (quantity !== undefined) variation.available_quantity = quantity;
  }
  if (changes.itemQuantity !== undefined) item.available_quantity = changes.itemQuantity;
  recomputeTotals(item);
  item.last_updated = now.toISOString();
  return { ok: true, item };
}
