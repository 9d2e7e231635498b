import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STOCK_BATCH_MAX } from '../../src/connectors/shopify/index.js';
import { tenantEntityManager } from '../../src/database/orm.js';
import { Listing, ListingPushState, SyncRun, SyncRunKind, SyncRunStatus } from '../../src/entities/index.js';
import type { SeededShop, ShopifySandbox } from '../../src/sandbox/shopify/index.js';
import { reportLocalStock } from '../../src/sync/local-stock.js';
import type { TestDatabase } from '../support/database.js';
import { operationOf, startShopifyPushHarness, type ShopifyPushHarness } from './shopify-push-harness.js';

const TENANT = 'tenant-coalescing-shopify';
const SHOP = 'zapateria-coalesce.myshopify.com';
const SEEDED_STOCK = 3;
const CHANGES = 1_000;
const DISTINCT_SKUS = 250;
const MODELS = Array.from({ length: 150 }, (_, index) => `SHC${String(index).padStart(3, '0')}`);
const SIZES = ['25', '26'];
/** Variant SKUs in seed order: every size of the first model, then the next model. */
const skus = MODELS.flatMap((model) => SIZES.map((size) => `${model}_${size}`));

let harness: ShopifyPushHarness;
let database: TestDatabase;
let sandbox: ShopifySandbox;
let shop: SeededShop;
let connectionId: string;

beforeAll(async () => {
  harness = await startShopifyPushHarness({
    tenantId: TENANT,
    shopDomain: SHOP,
    products: MODELS.map((model) => ({
      title: `Tenis ${model}`,
      variants: SIZES.map((size) => ({ sku: `${model}_${size}`, size, price: 899, available: SEEDED_STOCK })),
    })),
  });
  ({ database, sandbox, shop, connectionId } = harness);
  // The worker that ran the import stops, so only the worker a test starts sends pushes.
  await harness.importer.queue.stop({ drainTimeoutMs: 2_000 });
});

afterAll(async () => {
  await harness?.close();
});

describe('Shopify stock push coalescing', () => {
  it('fills batches with newest levels', async () => {
    const em = tenantEntityManager(database.orm, TENANT);
    expect(await em.count(Listing, { connection: connectionId })).toBe(skus.length);
    expect(await em.count(Listing, { connection: connectionId, pushState: ListingPushState.PENDING_PUSH })).toBe(0);

    // A second worker whose queue starts after the changes: the debounced push waits in the queue
    // while EGDC reports 1,000 changes, 4 per SKU, each followed by a push request.
    const worker = await harness.startWorker(200);
    const newest = new Map<string, number>();
    for (let change = 0; change < CHANGES; change += 1) {
      const sku = skus[change % DISTINCT_SKUS]!;
      const stock = 10 + ((change * 7) % 13);
      newest.set(sku, stock);
      const { connectionIds } = await reportLocalStock(tenantEntityManager(database.orm, TENANT), [{ sku, stock }]);
      for (const id of connectionIds) await worker.deps.scheduler.pushStock({ tenantId: TENANT, connectionId: id });
    }
    expect(newest.size).toBe(DISTINCT_SKUS);
    const before = sandbox.requests.length;

    await worker.queue.start();
    await harness.waitForIdle();

    const requests = sandbox.requests.slice(before);
    const writes = requests.filter((request) => operationOf(request) === 'SetAvailableQuantities');
    const minimum = Math.ceil(DISTINCT_SKUS / STOCK_BATCH_MAX);
    expect(writes.length).toBeLessThanOrEqual(Math.floor(minimum * 1.1));
    expect(writes.map((request) => (request.body as { variables: { input: { quantities: unknown[] } } }).variables.input.quantities.length)).toEqual([100, 100, 50]);
    // The import stored each variant's inventory item and level, so the writes compare and set
    // against those levels without reading first. Nothing else is sent.
    expect(requests.map(operationOf)).toEqual(['SetAvailableQuantities', 'SetAvailableQuantities', 'SetAvailableQuantities']);

    for (const [index, product] of shop.products.entries()) {
      for (const [position, variantId] of product.variantIds.entries()) {
        const sku = skus[index * 2 + position]!;
        expect(sandbox.getAvailable(variantId), sku).toBe(newest.get(sku) ?? SEEDED_STOCK);
      }
    }
    const pushes = await em.find(SyncRun, { connection: connectionId, kind: SyncRunKind.PUSH });
    expect(pushes.map((run) => [run.status, run.readCount, run.writtenCount, run.errorCount])).toEqual([[SyncRunStatus.SUCCEEDED, DISTINCT_SKUS, DISTINCT_SKUS, 0]]);
  });
});
