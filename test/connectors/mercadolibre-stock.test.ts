import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { writeStock, type MercadoLibreClient } from '../../src/connectors/mercadolibre/index.js';
import type { StockChange } from '../../src/connectors/shared/index.js';
import { startMercadoLibreSandbox } from '../../src/sandbox/mercadolibre/index.js';
import type { Item, MercadoLibreSandbox, RecordedRequest } from '../../src/sandbox/mercadolibre/types.js';
import { connectSeller, footwearItems, sandboxApp, sandboxConfig } from './mercadolibre-fixtures.js';
import { testLogger } from '../support/logger.js';

let sandbox: MercadoLibreSandbox;
let client: MercadoLibreClient;
let shoeId: string;
let plainId: string;
let otherShoeId: string;

const threeSizes = {
  title: 'Tacones Gabrielas 200 Plata',
  price: 418,
  brand: 'GABRIELAS',
  model: '200',
  variations: [
    { sellerSku: 'GABR200_PLATA23', size: '23', color: 'PLATA', gtin: '7506597529564', price: 418, availableQuantity: 3 },
    { sellerSku: 'GABR200_PLATA24', size: '24', color: 'PLATA', price: 418, availableQuantity: 2 },
    { sellerSku: 'GABR200_PLATA25', size: '25', color: 'PLATA', price: 418, availableQuantity: 1 },
  ],
};

beforeAll(async () => {
  sandbox = await startMercadoLibreSandbox({ apps: [sandboxApp()], ratePerSecond: 1000, logger: testLogger() });
  const config = sandboxConfig(sandbox);
  const seeded = sandbox.seedSeller({ nickname: 'TIENDA_STOCK', items: [threeSizes, ...footwearItems(2, 'STOCK', 2)] });
  [shoeId, plainId, otherShoeId] = seeded.itemIds as [string, string, string];
  ({ client } = await connectSeller(sandbox, config, seeded.userId));
});

beforeEach(() => {
  sandbox.clearFaults();
});

afterAll(async () => {
  await sandbox.close();
});

function item(itemId: string): Item {
  const found = sandbox.getItem(itemId);
  if (!found) {
    throw new Error(`sandbox has no item ${itemId}`);
  }
  return found;
}

function variationIds(itemId: string): string[] {
  return item(itemId).variations.map((variation) => String(variation.id));
}

function putsSince(before: number): RecordedRequest[] {
  return sandbox.requests.slice(before).filter((request) => request.method === 'PUT');
}

describe('MercadoLibre writeStock', () => {
  it('sends every variation with its id', async () => {
    const [first, second, third] = item(shoeId).variations;
    const before = sandbox.requests.length;
    const change: StockChange = { externalId: shoeId, externalVariantId: String(second?.id), quantity: 7 };

    const result = await writeStock(client, [change]);

    expect(result.failed).toEqual([]);
    expect(result.applied).toEqual([change]);
    const puts = putsSince(before);
    expect(puts).toHaveLength(1);
    expect(puts[0]?.path).toBe(`/items/${shoeId}`);
    expect(puts[0]?.body).toEqual({
      variations: [{ id: first?.id }, { id: second?.id, available_quantity: 7 }, { id: third?.id }],
    });
    expect(item(shoeId).variations.map((variation) => variation.available_quantity)).toEqual([3, 7, 1]);
    expect(item(shoeId).variations.map((variation) => variation.id)).toEqual([first?.id, second?.id, third?.id]);
  });

  it('sets stock of an item without variations', async () => {
    const before = sandbox.requests.length;

    const result = await writeStock(client, [{ externalId: plainId, externalVariantId: null, quantity: 9 }]);

    expect(result.failed).toEqual([]);
    expect(putsSince(before).map((request) => request.body)).toEqual([{ available_quantity: 9 }]);
    expect(item(plainId).available_quantity).toBe(9);
  });

  it('groups changes by item', async () => {
    const [first, , third] = variationIds(shoeId);
    const [otherFirst] = variationIds(otherShoeId);
    const before = sandbox.requests.length;

    const result = await writeStock(client, [
      { externalId: shoeId, externalVariantId: first ?? '', quantity: 0 },
      { externalId: otherShoeId, externalVariantId: otherFirst ?? '', quantity: 11 },
      { externalId: shoeId, externalVariantId: third ?? '', quantity: 4 },
    ]);

    expect(result.failed).toEqual([]);
    expect(result.applied).toHaveLength(3);
    expect(putsSince(before).map((request) => request.path)).toEqual([`/items/${shoeId}`, `/items/${otherShoeId}`]);
    expect(item(shoeId).variations.map((variation) => variation.available_quantity)).toEqual([0, 7, 4]);
    expect(item(otherShoeId).variations[0]?.available_quantity).toBe(11);
  });

  it('skips the PUT when stock already matches', async () => {
    const [first] = item(shoeId).variations;
    const before = sandbox.requests.length;

    const result = await writeStock(client, [
      { externalId: shoeId, externalVariantId: String(first?.id), quantity: first?.available_quantity ?? -1 },
    ]);

    expect(result.applied).toHaveLength(1);
    expect(putsSince(before)).toEqual([]);
  });

  it('fails changes naming unknown variations', async () => {
    const [first] = variationIds(shoeId);
    const before = sandbox.requests.length;
    const unknownVariation: StockChange = { externalId: shoeId, externalVariantId: '999', quantity: 1 };
    const variationOnPlain: StockChange = { externalId: plainId, externalVariantId: '123', quantity: 1 };
    const missingVariation: StockChange = { externalId: shoeId, externalVariantId: null, quantity: 1 };
    const negative: StockChange = { externalId: shoeId, externalVariantId: first ?? '', quantity: -2 };
    const valid: StockChange = { externalId: shoeId, externalVariantId: first ?? '', quantity: 6 };

    const result = await writeStock(client, [unknownVariation, variationOnPlain, missingVariation, negative, valid]);

    expect(result.applied).toEqual([valid]);
    const failures = new Map(result.failed.map((failure) => [failure.change, failure.error]));
    expect(failures.get(unknownVariation)).toMatchObject({ kind: 'not_found', code: 'variation_not_found' });
    expect(failures.get(variationOnPlain)).toMatchObject({ kind: 'not_found', code: 'variation_not_found' });
    expect(failures.get(missingVariation)).toMatchObject({ kind: 'invalid_input', code: 'variation_required' });
    expect(failures.get(negative)).toMatchObject({ kind: 'invalid_input', code: 'invalid_quantity' });
    expect(putsSince(before).map((request) => request.path)).toEqual([`/items/${shoeId}`]);
    expect(item(shoeId).variations[0]?.available_quantity).toBe(6);
  });

  it('fails only the item MercadoLibre rejects', async () => {
    const [shoeFirst] = variationIds(shoeId);
    const [otherFirst] = variationIds(otherShoeId);
    sandbox.injectFault({
      method: 'PUT',
      path: `/items/${shoeId}`,
      status: 400,
      body: {
        message: 'Item is not modifiable',
        error: 'validation_error',
        status: 400,
        cause: [{ code: 'item.not_modifiable', message: 'Item under review', type: 'error', references: ['item.status'] }],
      },
    });
    const rejected: StockChange = { externalId: shoeId, externalVariantId: shoeFirst ?? '', quantity: 2 };
    const accepted: StockChange = { externalId: otherShoeId, externalVariantId: otherFirst ?? '', quantity: 12 };

    const result = await writeStock(client, [rejected, accepted]);

    expect(result.applied).toEqual([accepted]);
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]?.change).toBe(rejected);
    expect(result.failed[0]?.error).toMatchObject({ kind: 'invalid_input', code: 'validation_error', marketplaceMessage: 'Item is not modifiable' });
    expect(item(otherShoeId).variations[0]?.available_quantity).toBe(12);
    expect(item(shoeId).variations[0]?.available_quantity).not.toBe(2);
  });

  it('stops after a transient error', async () => {
    const [shoeFirst] = variationIds(shoeId);
    const [otherFirst] = variationIds(otherShoeId);
    sandbox.injectFault({ method: 'GET', path: `/items/${shoeId}`, status: 503, body: { message: 'Service unavailable', error: 'service_unavailable', status: 503, cause: [] } });
    const before = sandbox.requests.length;

    const result = await writeStock(client, [
      { externalId: shoeId, externalVariantId: shoeFirst ?? '', quantity: 1 },
      { externalId: otherShoeId, externalVariantId: otherFirst ?? '', quantity: 1 },
      { externalId: plainId, externalVariantId: null, quantity: 1 },
    ]);

    expect(result.applied).toEqual([]);
    expect(result.failed).toHaveLength(3);
    for (const failure of result.failed) {
      expect(failure.error.kind).toBe('transient');
      expect(failure.error.retryable).toBe(true);
    }
    expect(sandbox.requests.slice(before).map((request) => `${request.method} ${request.path}`)).toEqual([`GET /items/${shoeId}`]);
  });
});
