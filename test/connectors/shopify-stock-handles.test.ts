import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPage, STOCK_BATCH_MAX, writeStock, type ShopifyConfig } from '../../src/connectors/shopify/index.js';
import type { StockChange } from '../../src/connectors/shared/index.js';
import { startShopifySandbox, type RecordedRequest, type SeededProduct, type ShopifySandbox } from '../../src/sandbox/shopify/index.js';
import { connectShop, footwearProducts, sandboxApp, sandboxConfig, type ConnectedShop } from './shopify-fixtures.js';
import { testLogger } from '../support/logger.js';

// Writes that carry the inventory item and the level we last saw: compare and set without a read.

const SHOP = 'zapateria-cas.myshopify.com';
const SEEDED = 3;

interface MutationInput {
  quantities: Array<{ inventoryItemId: string; locationId: string; quantity: number; changeFromQuantity: number | null }>;
}

let sandbox: ShopifySandbox;
let config: ShopifyConfig;
let connected: ConnectedShop;
let products: SeededProduct[];
let locationId: string;
let secondLocationId: string;

beforeAll(async () => {
  sandbox = await startShopifySandbox({ apps: [sandboxApp()], logger: testLogger() });
  config = sandboxConfig(sandbox);
  const seeded = sandbox.seedShop({ shopDomain: SHOP, plan: 'plus', locations: ['Bodega Centro', 'Sucursal Norte'], products: footwearProducts(140, 'CAS', ['25', '26'], SEEDED) });
  products = seeded.products;
  locationId = seeded.locationIds[0] ?? '';
  secondLocationId = seeded.locationIds[1] ?? '';
  connected = await connectShop(sandbox, config, SHOP);
});

afterAll(async () => {
  await sandbox.close();
});

function seeded(index: number): SeededProduct {
  const found = products[index];
  if (!found) throw new Error(`no seeded product ${index}`);
  return found;
}

/** Builds a change as the stock push does, with the listing's handle and last known level. */
function knownChange(productIndex: number, variantIndex: number, quantity: number, expectedQuantity: number | null = SEEDED): StockChange {
  const product = seeded(productIndex);
  return {
    externalId: product.productId,
    externalVariantId: product.variantIds[variantIndex] ?? '',
    quantity,
    stockHandle: product.inventoryItemIds[variantIndex] ?? '',
    expectedQuantity,
  };
}

function available(productIndex: number, variantIndex: number): number | undefined {
  return sandbox.getAvailable(seeded(productIndex).variantIds[variantIndex] ?? '');
}

function operationsSince(from: number): string[] {
  return sandbox.requests.slice(from).map((request) => String((request.body as { operationName?: unknown } | undefined)?.operationName));
}

function mutationsSince(from: number): RecordedRequest[] {
  return sandbox.requests.slice(from).filter((request) => (request.body as { operationName?: string } | undefined)?.operationName === 'SetAvailableQuantities');
}

function inputOf(request: RecordedRequest | undefined): MutationInput {
  return (request?.body as { variables: { input: MutationInput } }).variables.input;
}

function keyOf(request: RecordedRequest | undefined): string {
  const query = (request?.body as { query: string }).query;
  return /@idempotent\(key: "([^"]+)"\)/.exec(query)?.[1] ?? '';
}

describe('Shopify writeStock with known handles', () => {
  it('sends full batches without reading', async () => {
    const count = 250;
    const changes = Array.from({ length: count }, (_, index) => knownChange(Math.floor(index / 2), index % 2, 10 + (index % 7)));
    const before = sandbox.requests.length;

    const result = await writeStock(connected.client, changes, { locationId });

    expect(result.failed).toEqual([]);
    expect(result.applied).toHaveLength(count);
    expect(operationsSince(before)).toEqual(Array.from({ length: Math.ceil(count / STOCK_BATCH_MAX) }, () => 'SetAvailableQuantities'));
    const mutations = mutationsSince(before);
    expect(mutations.map((request) => inputOf(request).quantities.length)).toEqual([100, 100, 50]);
    expect(inputOf(mutations[0]).quantities[1]).toEqual({ inventoryItemId: seeded(0).inventoryItemIds[1], locationId, quantity: 11, changeFromQuantity: SEEDED });
    expect(new Set(mutations.flatMap((request) => inputOf(request).quantities.map((quantity) => quantity.changeFromQuantity)))).toEqual(new Set([SEEDED]));
    expect(changes.every((change, index) => available(Math.floor(index / 2), index % 2) === change.quantity)).toBe(true);
  });

  it('retries a stale level once', async () => {
    // EGDC believes 3; the shop has 8 because an edit never reached us.
    sandbox.setAvailable(seeded(125).variantIds[0] ?? '', 8);
    const stale = knownChange(125, 0, 15);
    const fresh = knownChange(125, 1, 16);
    const before = sandbox.requests.length;

    const result = await writeStock(connected.client, [stale, fresh], { locationId });

    expect(result).toEqual({ applied: [stale, fresh], failed: [] });
    expect(operationsSince(before)).toEqual(['SetAvailableQuantities', 'StockLevels', 'SetAvailableQuantities']);
    const mutations = mutationsSince(before);
    expect(mutations.map((request) => inputOf(request).quantities.map((quantity) => quantity.changeFromQuantity))).toEqual([[SEEDED, SEEDED], [8, SEEDED]]);
    expect(keyOf(mutations[0])).not.toBe(keyOf(mutations[1]));
    expect([available(125, 0), available(125, 1)]).toEqual([15, 16]);
  });

  it('sends a level equal to expected', async () => {
    // EGDC wants the level it believes the shop has, but the merchant set 1 and we never heard of it.
    sandbox.setAvailable(seeded(126).variantIds[0] ?? '', 1);
    const before = sandbox.requests.length;

    const result = await writeStock(connected.client, [knownChange(126, 0, SEEDED)], { locationId });

    expect(result.failed).toEqual([]);
    expect(operationsSince(before)).toEqual(['SetAvailableQuantities', 'StockLevels', 'SetAvailableQuantities']);
    expect(mutationsSince(before).map((request) => inputOf(request).quantities[0])).toEqual([
      expect.objectContaining({ quantity: SEEDED, changeFromQuantity: SEEDED }),
      expect.objectContaining({ quantity: SEEDED, changeFromQuantity: 1 }),
    ]);
    expect(available(126, 0)).toBe(SEEDED);
  });

  it('reads only changes without handles', async () => {
    const known = knownChange(127, 0, 20);
    const noHandle: StockChange = { ...knownChange(127, 1, 21), stockHandle: null };
    const noLevel = knownChange(128, 0, 22, null);
    const foreignHandle: StockChange = { ...knownChange(128, 1, 23), stockHandle: seeded(128).variantIds[1] ?? '' };
    const before = sandbox.requests.length;

    const result = await writeStock(connected.client, [known, noHandle, noLevel, foreignHandle], { locationId });

    expect(result).toEqual({ applied: [known, noHandle, noLevel, foreignHandle], failed: [] });
    expect(operationsSince(before)).toEqual(['StockLevels', 'SetAvailableQuantities']);
    const read = sandbox.requests[before]?.body as { variables: { ids: string[] } };
    expect(read.variables.ids).toEqual([noHandle.externalVariantId, noLevel.externalVariantId, foreignHandle.externalVariantId]);
    expect(inputOf(mutationsSince(before)[0]).quantities.map((quantity) => quantity.inventoryItemId)).toEqual([
      seeded(127).inventoryItemIds[0], seeded(127).inventoryItemIds[1], seeded(128).inventoryItemIds[0], seeded(128).inventoryItemIds[1],
    ]);
    expect([available(127, 0), available(127, 1), available(128, 0), available(128, 1)]).toEqual([20, 21, 22, 23]);
  });

  it('uses the last change per variant', async () => {
    const before = sandbox.requests.length;
    const changes = [knownChange(129, 0, 30, 999), knownChange(129, 0, 31)];

    const result = await writeStock(connected.client, changes, { locationId });

    expect(result.applied).toEqual(changes);
    expect(operationsSince(before)).toEqual(['SetAvailableQuantities']);
    expect(inputOf(mutationsSince(before)[0]).quantities).toEqual([expect.objectContaining({ quantity: 31, changeFromQuantity: SEEDED })]);
    expect(available(129, 0)).toBe(31);
  });

  it('fails an unknown inventory item', async () => {
    const good = knownChange(130, 0, 40);
    const unknownItem: StockChange = { ...knownChange(130, 1, 41), stockHandle: 'gid://shopify/InventoryItem/999' };
    const before = sandbox.requests.length;

    const result = await writeStock(connected.client, [good, unknownItem], { locationId });

    expect(result.applied).toEqual([good]);
    expect(result.failed.map((failure) => [failure.change, failure.error.kind, failure.error.code])).toEqual([[unknownItem, 'not_found', 'INVALID_INVENTORY_ITEM']]);
    // The batch applied nothing, so the valid quantity is read again and sent alone.
    expect(operationsSince(before)).toEqual(['SetAvailableQuantities', 'StockLevels', 'SetAvailableQuantities']);
    expect([available(130, 0), available(130, 1)]).toEqual([40, SEEDED]);
  });
});

describe('Shopify listing stock handle', () => {
  it('is the stocked inventory item', async () => {
    const page = await importPage(connected.client, locationId, null, 2);

    expect(page.listings.map((listing) => listing.stockHandle)).toEqual([...seeded(0).inventoryItemIds, ...seeded(1).inventoryItemIds]);
  });

  it('is null when not stocked', async () => {
    const page = await importPage(connected.client, secondLocationId, null, 2);

    expect(page.listings).toHaveLength(4);
    expect(page.listings.map((listing) => listing.stockHandle)).toEqual([null, null, null, null]);
  });
});
