import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantEntityManager } from '../../src/database/orm.js';
import { Listing, ListingPushState, SyncRun, SyncRunKind, SyncRunStatus } from '../../src/entities/index.js';
import { reportLocalStock } from '../../src/sync/local-stock.js';
import { shoeItems, startSyncHarness, type ConnectedSeller, type SyncHarness } from '../support/sync-harness.js';

const tenantId = 'tenant-coalescing';
const SIZES = ['23', '24', '25', '26', '27'];
const ITEMS = 60;
const SEEDED_STOCK = 4;

let harness: SyncHarness;
let seller: ConnectedSeller;
let skus: string[];

beforeAll(async () => {
  harness = await startSyncHarness();
  const items = shoeItems(ITEMS, 'COA', SIZES, () => SEEDED_STOCK);
  skus = items.flatMap((item) => (item.variations ?? []).map((variation) => variation.sellerSku));
  // EGDC has the marketplace's levels, so the import leaves nothing to push.
  await harness.insertProducts(tenantId, skus.map((sku) => ({ sku, stock: SEEDED_STOCK })));
  seller = await harness.connectSeller(tenantId, 'COALESCING_STORE', items);
});

afterAll(async () => {
  await harness?.close();
});

describe('stock push coalescing', () => {
  it('writes each item once', async () => {
    // 300 listings: pages of 200 listings by id would split most items over two pages.
    expect(skus).toHaveLength(ITEMS * SIZES.length);
    const em = tenantEntityManager(harness.orm, tenantId);
    expect(await em.count(Listing, { connection: seller.connectionId, pushState: ListingPushState.PENDING_PUSH })).toBe(0);
    const finalLevel = (index: number) => 10 + (index % 7);

    // Three reports per SKU before the push; only the last level of each may reach the marketplace.
    for (const round of [0, 1, 2]) {
      const levels = skus.map((sku, index) => ({ sku, stock: round === 2 ? finalLevel(index) : 50 + round }));
      await reportLocalStock(tenantEntityManager(harness.orm, tenantId), levels);
    }
    const before = harness.sandbox.requests.length;
    await harness.scheduler.pushStock({ tenantId, connectionId: seller.connectionId });
    await harness.waitForIdle(tenantId, seller.connectionId);

    const puts = harness.requestsSince(before, 'PUT', /^\/items\//);
    expect(puts).toHaveLength(ITEMS);
    expect(new Set(puts.map((request) => request.path)).size).toBe(ITEMS);
    expect(harness.requestsSince(before, 'GET', /^\/items\/[^/]+$/)).toHaveLength(ITEMS);

    const levels = seller.itemIds.flatMap((itemId) => harness.sandbox.getItem(itemId)?.variations.map((variation) => variation.available_quantity) ?? []);
    expect(levels).toEqual(skus.map((_, index) => finalLevel(index)));

    const pushes = await em.find(SyncRun, { connection: seller.connectionId, kind: SyncRunKind.PUSH });
    expect(pushes.map((run) => [run.status, run.readCount, run.writtenCount, run.errorCount])).toEqual([[SyncRunStatus.SUCCEEDED, skus.length, skus.length, 0]]);
  });
});
