import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STOCK_BATCH_MAX } from '../../src/connectors/shopify/index.js';
import { tenantEntityManager } from '../../src/database/orm.js';
import { Listing, ListingPushState, SyncRun, SyncRunKind, SyncRunStatus } from '../../src/entities/index.js';
import type { RecordedRequest, SeededShop, ShopifySandbox } from '../../src/sandbox/shopify/index.js';
import { reportLocalStock } from '../../src/sync/local-stock.js';
import type { TestDatabase } from '../support/database.js';
import { operationOf, startShopifyPushHarness, type ShopifyPushHarness } from './shopify-push-harness.js';

// The stock push hands the connector each listing's inventory item and last known Shopify level,
// so a push writes with compare and set and reads only when Shopify reports a stale level.

const TENANT = 'tenant-shopify-cas';
const SHOP = 'zapateria-cas-push.myshopify.com';
const SEEDED_STOCK = 3;
const MODELS = 70;
const SIZES = ['25', '26'];

let harness: ShopifyPushHarness;
let database: TestDatabase;
let sandbox: ShopifySandbox;
let shop: SeededShop;
let connectionId: string;

function skuOf(model: number, size: string): string {
  return `CAS${String(model).padStart(3, '0')}_${size}`;
}

function quantitiesOf(request: RecordedRequest): Array<{ inventoryItemId: string; quantity: number; changeFromQuantity: number | null }> {
  return (request.body as { variables: { input: { quantities: Array<{ inventoryItemId: string; quantity: number; changeFromQuantity: number | null }> } } }).variables.input.quantities;
}

/** Sets EGDC's levels and requests a push, as EGDC core's stock report does. */
async function reportAndPush(levels: Array<{ sku: string; stock: number }>): Promise<void> {
  const { connectionIds } = await reportLocalStock(tenantEntityManager(database.orm, TENANT), levels);
  expect([...connectionIds]).toEqual([connectionId]);
  await harness.importer.deps.scheduler.pushStock({ tenantId: TENANT, connectionId });
  await harness.waitForIdle();
}

async function pushRuns(): Promise<SyncRun[]> {
  return tenantEntityManager(database.orm, TENANT).find(SyncRun, { connection: connectionId, kind: SyncRunKind.PUSH }, { orderBy: { createdAt: 'asc' } });
}

beforeAll(async () => {
  harness = await startShopifyPushHarness({
    tenantId: TENANT,
    shopDomain: SHOP,
    products: Array.from({ length: MODELS }, (_, model) => ({
      title: `Tenis CAS${model}`,
      variants: SIZES.map((size) => ({ sku: skuOf(model, size), size, price: 899, available: SEEDED_STOCK })),
    })),
  });
  ({ database, sandbox, shop, connectionId } = harness);
});

afterAll(async () => {
  await harness?.close();
});

describe('Shopify stock push with compare and set', () => {
  it('stores each inventory item', async () => {
    const listings = await tenantEntityManager(database.orm, TENANT).find(Listing, { connection: connectionId });

    const expected = new Map(shop.products.flatMap((product) => product.variantIds.map((variantId, index) => [variantId, product.inventoryItemIds[index]])));
    expect(listings).toHaveLength(MODELS * SIZES.length);
    expect(new Map(listings.map((listing) => [listing.externalVariantId, listing.stockHandle]))).toEqual(expected);
    expect(new Set(listings.map((listing) => listing.remoteStock))).toEqual(new Set([SEEDED_STOCK]));
  });

  it('writes known levels without reading', async () => {
    const levels = Array.from({ length: 120 }, (_, index) => ({ sku: skuOf(Math.floor(index / 2), SIZES[index % 2]!), stock: 10 + (index % 9) }));
    const before = sandbox.requests.length;

    await reportAndPush(levels);

    const requests = sandbox.requests.slice(before);
    expect(requests.map(operationOf)).toEqual(Array.from({ length: Math.ceil(levels.length / STOCK_BATCH_MAX) }, () => 'SetAvailableQuantities'));
    expect(new Set(requests.flatMap((request) => quantitiesOf(request).map((quantity) => quantity.changeFromQuantity)))).toEqual(new Set([SEEDED_STOCK]));
    const listings = await tenantEntityManager(database.orm, TENANT).find(Listing, { connection: connectionId, sku: { $in: levels.map((level) => level.sku) } });
    const stockBySku = new Map(levels.map((level) => [level.sku, level.stock]));
    expect(listings.filter((listing) => listing.remoteStock !== stockBySku.get(listing.sku ?? ''))).toEqual([]);
    for (const [model, product] of shop.products.slice(0, 60).entries()) {
      expect(product.variantIds.map((variantId) => sandbox.getAvailable(variantId))).toEqual(SIZES.map((size) => stockBySku.get(skuOf(model, size))));
    }
    expect((await pushRuns()).map((run) => [run.status, run.writtenCount, run.errorCount])).toEqual([[SyncRunStatus.SUCCEEDED, 120, 0]]);
  });

  it('corrects a stale level once', async () => {
    const sku = skuOf(65, '25');
    const variantId = shop.products[65]!.variantIds[0]!;
    // A merchant's edit that never reached EGDC, so the listing still stores 3.
    sandbox.setAvailable(variantId, 9);
    const runsBefore = (await pushRuns()).length;
    const before = sandbox.requests.length;

    await reportAndPush([{ sku, stock: 20 }]);

    const requests = sandbox.requests.slice(before);
    expect(requests.map(operationOf)).toEqual(['SetAvailableQuantities', 'StockLevels', 'SetAvailableQuantities']);
    expect(requests.filter((request) => operationOf(request) === 'SetAvailableQuantities').map((request) => quantitiesOf(request)[0]?.changeFromQuantity)).toEqual([SEEDED_STOCK, 9]);
    expect(sandbox.getAvailable(variantId)).toBe(20);
    const listing = await tenantEntityManager(database.orm, TENANT).findOneOrFail(Listing, { connection: connectionId, sku });
    expect([listing.remoteStock, listing.baseStock, listing.pushState, listing.lastError]).toEqual([20, 20, ListingPushState.SYNCED, null]);
    expect((await pushRuns()).slice(runsBefore).map((run) => [run.status, run.writtenCount, run.errorCount])).toEqual([[SyncRunStatus.SUCCEEDED, 1, 0]]);
  });
});
