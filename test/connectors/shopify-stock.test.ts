import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createShopifyConnector, ShopifyGraphqlClient, writeStock, type ShopifyConfig } from '../../src/connectors/shopify/index.js';
import { ResiliencePolicy, type StockChange } from '../../src/connectors/shared/index.js';
import type { ShopifySandbox } from '../../src/sandbox/shopify/index.js';
import {
  CLIENT_ID, connectShop, footwearProducts, idempotencyKeyOf, sandboxConfig, setQuantitiesInputOf, startStockTestShop, type ConnectedShop, type StockTestShop,
} from './shopify-fixtures.js';

const SHOP = 'zapateria-stock.myshopify.com';
const GRAPHQL_PATH = `/shops/${SHOP}/admin/api/2026-04/graphql.json`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let shop: StockTestShop;
let sandbox: ShopifySandbox;
let config: ShopifyConfig;
let connected: ConnectedShop;
let locationId: string;

beforeAll(async () => {
  shop = await startStockTestShop(SHOP, footwearProducts(80, 'STK', ['24', '25', '26']));
  ({ sandbox, config, connected } = shop);
  locationId = shop.locationIds[0] ?? '';
});

afterEach(() => {
  sandbox.clearFaults();
});

afterAll(async () => {
  await shop?.close();
});

function change(productIndex: number, variantIndex: number, quantity: number): StockChange {
  const seeded = shop.product(productIndex);
  return { externalId: seeded.productId, externalVariantId: seeded.variantIds[variantIndex] ?? '', quantity };
}

describe('Shopify writeStock', () => {
  it('sets available with compare and set', async () => {
    const before = sandbox.requests.length;
    const wanted = change(0, 1, 7);

    const result = await createShopifyConnector(config).writeStock(connected.session, [wanted]);

    expect(result).toEqual({ applied: [wanted], failed: [] });
    expect(shop.available(0, 1)).toBe(7);
    const [mutation] = shop.mutationsSince(before);
    expect(shop.mutationsSince(before)).toHaveLength(1);
    expect(idempotencyKeyOf(mutation)).toMatch(UUID);
    const input = setQuantitiesInputOf(mutation);
    expect(input).toEqual({
      name: 'available',
      reason: 'correction',
      referenceDocumentUri: expect.stringMatching(/^gid:\/\/egdc-integrations\/StockWrite\//),
      quantities: [{ inventoryItemId: shop.product(0).inventoryItemIds[1], locationId, quantity: 7, changeFromQuantity: 3 }],
    });
    expect(sandbox.inventoryChanges.at(-1)).toMatchObject({ source: 'api', delta: 4, quantityAfterChange: 7, idempotencyKey: idempotencyKeyOf(mutation) });
  });

  it('skips quantities already right', async () => {
    const before = sandbox.requests.length;

    const result = await createShopifyConnector(config).writeStock(connected.session, [change(1, 0, 3)]);

    expect(result.applied).toHaveLength(1);
    expect(shop.mutationsSince(before)).toEqual([]);
  });

  it('sends batches of at most 100', async () => {
    const changes = Array.from({ length: 150 }, (_, index) => change(10 + Math.floor(index / 3), index % 3, 20 + (index % 5)));
    const before = sandbox.requests.length;

    const result = await writeStock(connected.client, changes, { locationId });

    expect(result.failed).toEqual([]);
    expect(result.applied).toHaveLength(150);
    const mutations = shop.mutationsSince(before);
    expect(mutations.map((request) => setQuantitiesInputOf(request).quantities.length)).toEqual([100, 50]);
    expect(new Set(mutations.map(idempotencyKeyOf)).size).toBe(2);
    expect(shop.available(10, 0)).toBe(20);
    expect(shop.available(59, 2)).toBe(24);
  });

  it('keeps the last change of a variant', async () => {
    const before = sandbox.requests.length;
    const changes = [change(2, 0, 5), change(2, 0, 9)];

    const result = await writeStock(connected.client, changes, { locationId });

    expect(result.applied).toEqual(changes);
    expect(setQuantitiesInputOf(shop.mutationsSince(before)[0]).quantities.map((quantity) => quantity.quantity)).toEqual([9]);
    expect(shop.available(2, 0)).toBe(9);
  });

  it('fails bad changes and applies the rest', async () => {
    const good = change(3, 0, 11);
    const wrongProduct = { ...change(3, 1, 4), externalId: shop.product(4).productId };
    const missing: StockChange = { externalId: shop.product(3).productId, externalVariantId: 'gid://shopify/ProductVariant/999', quantity: 2 };
    const noVariant: StockChange = { externalId: shop.product(3).productId, externalVariantId: null, quantity: 2 };
    const negative = change(3, 2, -1);

    const result = await writeStock(connected.client, [good, wrongProduct, missing, noVariant, negative], { locationId });

    expect(result.applied).toEqual([good]);
    const failures = new Map(result.failed.map((failure) => [failure.change, failure.error]));
    expect(failures.get(wrongProduct)?.kind).toBe('not_found');
    expect(failures.get(missing)?.code).toBe('variant_not_found');
    expect(failures.get(noVariant)?.code).toBe('variant_required');
    expect(failures.get(negative)?.code).toBe('invalid_quantity');
    expect(shop.available(3, 0)).toBe(11);
    expect(shop.available(3, 1)).toBe(3);
  });

  it('fails a variant not stocked at the location', async () => {
    const secondLocation = 'gid://shopify/Location/' + String(Number(locationId.split('/').at(-1)) + 1);

    const result = await writeStock(connected.client, [change(5, 0, 2)], { locationId: secondLocation });

    expect(result.applied).toEqual([]);
    expect(result.failed[0]?.error.code).toBe('not_stocked_at_location');
  });

  it('retries once after a stale quantity', async () => {
    const before = sandbox.requests.length;
    sandbox.injectFault({ method: 'POST', path: GRAPHQL_PATH, latencyMs: 0 });
    sandbox.injectFault({ method: 'POST', path: GRAPHQL_PATH, latencyMs: 300 });

    const writing = writeStock(connected.client, [change(6, 0, 12)], { locationId });
    // The merchant edits the stock while the mutation is on its way.
    await vi.waitFor(() => expect(shop.mutationsSince(before)).toHaveLength(1), { interval: 5 });
    sandbox.setAvailable(shop.product(6).variantIds[0] ?? '', 5);
    const result = await writing;

    expect(result.failed).toEqual([]);
    expect(result.applied).toHaveLength(1);
    const mutations = shop.mutationsSince(before);
    expect(mutations.map((request) => setQuantitiesInputOf(request).quantities[0]?.changeFromQuantity)).toEqual([3, 5]);
    expect(idempotencyKeyOf(mutations[0])).not.toBe(idempotencyKeyOf(mutations[1]));
    expect(shop.available(6, 0)).toBe(12);
  });

  it('reports a quantity stale twice as conflict', async () => {
    const variantId = shop.product(7).variantIds[0] ?? '';
    const before = sandbox.requests.length;
    sandbox.injectFault({ method: 'POST', path: GRAPHQL_PATH, latencyMs: 0 });
    sandbox.injectFault({ method: 'POST', path: GRAPHQL_PATH, latencyMs: 200 });
    sandbox.injectFault({ method: 'POST', path: GRAPHQL_PATH, latencyMs: 0 });
    sandbox.injectFault({ method: 'POST', path: GRAPHQL_PATH, latencyMs: 200 });

    const writing = writeStock(connected.client, [change(7, 0, 30)], { locationId });
    await vi.waitFor(() => expect(shop.mutationsSince(before)).toHaveLength(1), { interval: 5 });
    sandbox.setAvailable(variantId, 8);
    await vi.waitFor(() => expect(shop.mutationsSince(before)).toHaveLength(2), { interval: 5 });
    sandbox.setAvailable(variantId, 9);
    const result = await writing;

    expect(result.applied).toEqual([]);
    expect(result.failed[0]?.error.kind).toBe('conflict');
    expect(result.failed[0]?.error.code).toBe('CHANGE_FROM_QUANTITY_STALE');
    expect(shop.available(7, 0)).toBe(9);
  });

  it('retries the batch without rejected quantities', async () => {
    const changes = [change(8, 0, 1), change(8, 1, 2), change(8, 2, 4)];
    const before = sandbox.requests.length;
    sandbox.injectFault({ method: 'POST', path: GRAPHQL_PATH, latencyMs: 0 });
    sandbox.injectFault({
      method: 'POST',
      path: GRAPHQL_PATH,
      status: 200,
      body: {
        data: {
          inventorySetQuantities: {
            inventoryAdjustmentGroup: null,
            userErrors: [{ code: 'INVALID_INVENTORY_ITEM', field: ['input', 'quantities', '1', 'inventoryItemId'], message: 'The specified inventory item could not be found.' }],
          },
        },
      },
    });

    const result = await writeStock(connected.client, changes, { locationId });

    expect(result.applied).toEqual([changes[0], changes[2]]);
    expect(result.failed.map((failure) => [failure.change, failure.error.kind, failure.error.code])).toEqual([[changes[1], 'not_found', 'INVALID_INVENTORY_ITEM']]);
    const mutations = shop.mutationsSince(before);
    expect(mutations).toHaveLength(2);
    expect(setQuantitiesInputOf(mutations[1]).quantities.map((quantity) => quantity.quantity)).toEqual([1, 4]);
    expect([shop.available(8, 0), shop.available(8, 1), shop.available(8, 2)]).toEqual([1, 3, 4]);
  });

  it('resends with the same key after a 503', async () => {
    const before = sandbox.requests.length;
    sandbox.injectFault({ method: 'POST', path: GRAPHQL_PATH, latencyMs: 0 });
    sandbox.injectFault({ method: 'POST', path: GRAPHQL_PATH, status: 503 });
    const client = new ShopifyGraphqlClient({ config, shopDomain: SHOP, tokenSource: connected.session.tokens, resilience: new ResiliencePolicy({ baseDelayMs: 0 }) });

    const result = await writeStock(client, [change(9, 0, 17)], { locationId });

    expect(result.failed).toEqual([]);
    const mutations = shop.mutationsSince(before);
    expect(mutations.map((request) => request.status)).toEqual([503, 200]);
    expect(idempotencyKeyOf(mutations[0])).toBe(idempotencyKeyOf(mutations[1]));
    expect(mutations[0]?.rawBody).toBe(mutations[1]?.rawBody);
    expect(shop.available(9, 0)).toBe(17);
  });

  it('applies once when the answer is lost', async () => {
    const slowClientConfig = sandboxConfig(sandbox, { timeoutMs: 250 });
    const { session } = await connectShop(sandbox, slowClientConfig, SHOP);
    const client = new ShopifyGraphqlClient({ config: slowClientConfig, shopDomain: SHOP, tokenSource: session.tokens, resilience: new ResiliencePolicy({ baseDelayMs: 0 }) });
    const itemId = shop.product(9).inventoryItemIds[1];
    const before = sandbox.requests.length;
    sandbox.injectFault({ method: 'POST', path: GRAPHQL_PATH, latencyMs: 0 });
    sandbox.injectFault({ method: 'POST', path: GRAPHQL_PATH, latencyMs: 600 });

    const result = await writeStock(client, [change(9, 1, 21)], { locationId });
    // The first attempt timed out on our side but still reaches the sandbox afterwards.
    await vi.waitFor(() => expect(shop.mutationsSince(before).map((request) => request.status)).toEqual([200, 200]), { interval: 10, timeout: 3000 });

    expect(result.applied).toHaveLength(1);
    const mutations = shop.mutationsSince(before);
    expect(idempotencyKeyOf(mutations[0])).toBe(idempotencyKeyOf(mutations[1]));
    expect(sandbox.inventoryChanges.filter((record) => record.inventoryItemId === itemId && record.source === 'api')).toHaveLength(1);
    expect(shop.available(9, 1)).toBe(21);
  });

  it('stops after a throttled batch', async () => {
    const changes = Array.from({ length: 120 }, (_, index) => change(40 + Math.floor(index / 3), index % 3, 2));
    sandbox.setBucketAvailable(SHOP, CLIENT_ID, 0);
    const before = sandbox.requests.length;

    const result = await writeStock(connected.client, changes, { locationId });

    expect(result.applied).toEqual([]);
    expect(result.failed).toHaveLength(120);
    expect(new Set(result.failed.map((failure) => failure.error.kind))).toEqual(new Set(['throttled']));
    expect(sandbox.requests.length - before).toBe(1);
  });
});
