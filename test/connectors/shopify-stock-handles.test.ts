import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPage, STOCK_BATCH_MAX, writeStock } from '../../src/connectors/shopify/index.js';
import type { StockChange } from '../../src/connectors/shared/index.js';
import type { ShopifySandbox } from '../../src/sandbox/shopify/index.js';
import {
  footwearProducts, idempotencyKeyOf, operationNameOf, setQuantitiesInputOf, startStockTestShop, type ConnectedShop, type StockTestShop,
} from './shopify-fixtures.js';

// Writes that carry the inventory item and the level we last saw: compare and set without a read.

const SHOP = 'zapateria-cas.myshopify.com';
const SEEDED = 3;

let shop: StockTestShop;
let sandbox: ShopifySandbox;
let connected: ConnectedShop;
let locationId: string;
let secondLocationId: string;

beforeAll(async () => {
  shop = await startStockTestShop(SHOP, footwearProducts(140, 'CAS', ['25', '26'], SEEDED));
  ({ sandbox, connected } = shop);
  locationId = shop.locationIds[0] ?? '';
  secondLocationId = shop.locationIds[1] ?? '';
});

afterAll(async () => {
  await shop?.close();
});

/** Builds a change as the stock push does, with the listing's handle and last known level. */
function knownChange(productIndex: number, variantIndex: number, quantity: number, expectedQuantity: number | null = SEEDED): StockChange {
  const product = shop.product(productIndex);
  return {
    externalId: product.productId,
    externalVariantId: product.variantIds[variantIndex] ?? '',
    quantity,
    stockHandle: product.inventoryItemIds[variantIndex] ?? '',
    expectedQuantity,
  };
}

function operationsSince(from: number): string[] {
  return sandbox.requests.slice(from).map((request) => String(operationNameOf(request)));
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
    const mutations = shop.mutationsSince(before);
    expect(mutations.map((request) => setQuantitiesInputOf(request).quantities.length)).toEqual([100, 100, 50]);
    expect(setQuantitiesInputOf(mutations[0]).quantities[1]).toEqual({ inventoryItemId: shop.product(0).inventoryItemIds[1], locationId, quantity: 11, changeFromQuantity: SEEDED });
    expect(new Set(mutations.flatMap((request) => setQuantitiesInputOf(request).quantities.map((quantity) => quantity.changeFromQuantity)))).toEqual(new Set([SEEDED]));
    expect(changes.every((change, index) => shop.available(Math.floor(index / 2), index % 2) === change.quantity)).toBe(true);
  });

  it('retries a stale level once', async () => {
    // EGDC believes 3; the shop has 8 because an edit never reached us.
    sandbox.setAvailable(shop.product(125).variantIds[0] ?? '', 8);
    const stale = knownChange(125, 0, 15);
    const fresh = knownChange(125, 1, 16);
    const before = sandbox.requests.length;

    const result = await writeStock(connected.client, [stale, fresh], { locationId });

    expect(result).toEqual({ applied: [stale, fresh], failed: [] });
    expect(operationsSince(before)).toEqual(['SetAvailableQuantities', 'StockLevels', 'SetAvailableQuantities']);
    const mutations = shop.mutationsSince(before);
    expect(mutations.map((request) => setQuantitiesInputOf(request).quantities.map((quantity) => quantity.changeFromQuantity))).toEqual([[SEEDED, SEEDED], [8, SEEDED]]);
    expect(idempotencyKeyOf(mutations[0])).not.toBe(idempotencyKeyOf(mutations[1]));
    expect([shop.available(125, 0), shop.available(125, 1)]).toEqual([15, 16]);
  });

  it('sends a level equal to expected', async () => {
    // EGDC wants the level it believes the shop has, but the merchant set 1 and we never heard of it.
    sandbox.setAvailable(shop.product(126).variantIds[0] ?? '', 1);
    const before = sandbox.requests.length;

    const result = await writeStock(connected.client, [knownChange(126, 0, SEEDED)], { locationId });

    expect(result.failed).toEqual([]);
    expect(operationsSince(before)).toEqual(['SetAvailableQuantities', 'StockLevels', 'SetAvailableQuantities']);
    expect(shop.mutationsSince(before).map((request) => setQuantitiesInputOf(request).quantities[0])).toEqual([
      expect.objectContaining({ quantity: SEEDED, changeFromQuantity: SEEDED }),
      expect.objectContaining({ quantity: SEEDED, changeFromQuantity: 1 }),
    ]);
    expect(shop.available(126, 0)).toBe(SEEDED);
  });

  it('reads only changes without handles', async () => {
    const known = knownChange(127, 0, 20);
    const noHandle: StockChange = { ...knownChange(127, 1, 21), stockHandle: null };
    const noLevel = knownChange(128, 0, 22, null);
    const foreignHandle: StockChange = { ...knownChange(128, 1, 23), stockHandle: shop.product(128).variantIds[1] ?? '' };
    const before = sandbox.requests.length;

    const result = await writeStock(connected.client, [known, noHandle, noLevel, foreignHandle], { locationId });

    expect(result).toEqual({ applied: [known, noHandle, noLevel, foreignHandle], failed: [] });
    expect(operationsSince(before)).toEqual(['StockLevels', 'SetAvailableQuantities']);
    const read = sandbox.requests[before]?.body as { variables: { ids: string[] } };
    expect(read.variables.ids).toEqual([noHandle.externalVariantId, noLevel.externalVariantId, foreignHandle.externalVariantId]);
    expect(setQuantitiesInputOf(shop.mutationsSince(before)[0]).quantities.map((quantity) => quantity.inventoryItemId)).toEqual([
      shop.product(127).inventoryItemIds[0], shop.product(127).inventoryItemIds[1], shop.product(128).inventoryItemIds[0], shop.product(128).inventoryItemIds[1],
    ]);
    expect([shop.available(127, 0), shop.available(127, 1), shop.available(128, 0), shop.available(128, 1)]).toEqual([20, 21, 22, 23]);
  });

  it('uses the last change per variant', async () => {
    const before = sandbox.requests.length;
    const changes = [knownChange(129, 0, 30, 999), knownChange(129, 0, 31)];

    const result = await writeStock(connected.client, changes, { locationId });

    expect(result.applied).toEqual(changes);
    expect(operationsSince(before)).toEqual(['SetAvailableQuantities']);
    expect(setQuantitiesInputOf(shop.mutationsSince(before)[0]).quantities).toEqual([expect.objectContaining({ quantity: 31, changeFromQuantity: SEEDED })]);
    expect(shop.available(129, 0)).toBe(31);
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
    expect([shop.available(130, 0), shop.available(130, 1)]).toEqual([40, SEEDED]);
  });
});

describe('Shopify listing stock handle', () => {
  it('is the stocked inventory item', async () => {
    const page = await importPage(connected.client, locationId, null, 2);

    expect(page.listings.map((listing) => listing.stockHandle)).toEqual([...shop.product(0).inventoryItemIds, ...shop.product(1).inventoryItemIds]);
  });

  it('is null when not stocked', async () => {
    const page = await importPage(connected.client, secondLocationId, null, 2);

    expect(page.listings).toHaveLength(4);
    expect(page.listings.map((listing) => listing.stockHandle)).toEqual([null, null, null, null]);
  });
});
