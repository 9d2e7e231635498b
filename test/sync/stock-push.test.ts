import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RESILIENCE_OPTIONS } from '../../src/connectors/shared/resilience/index.js';
import { tenantEntityManager } from '../../src/database/orm.js';
import { Listing, ListingPushState, SyncRun, SyncRunKind, SyncRunStatus } from '../../src/entities/index.js';
import { reportLocalStock } from '../../src/sync/local-stock.js';
import { shoeItems, startSyncHarness, type ConnectedSeller, type SyncHarness } from '../support/sync-harness.js';

const tenantId = 'tenant-debounce';
let harness: SyncHarness;
let seller: ConnectedSeller;

beforeAll(async () => {
  harness = await startSyncHarness({ pushDebounceMs: 400 });
  await harness.insertProducts(tenantId, ['DEB000_25', 'DEB000_26', 'DEB001_25', 'DEB001_26'].map((sku) => ({ sku, stock: 4 })));
  seller = await harness.connectSeller(tenantId, 'DEBOUNCE_STORE', shoeItems(2, 'DEB', ['25', '26'], () => 4));
});

afterAll(async () => {
  await harness?.close();
});

async function pushRuns(): Promise<SyncRun[]> {
  return tenantEntityManager(harness.orm, tenantId).find(SyncRun, { kind: SyncRunKind.PUSH }, { orderBy: { createdAt: 'asc' } });
}

describe('stock push', () => {
  it('collapses push requests into one run', async () => {
    const before = harness.sandbox.requests.length;

    for (const [sku, stock] of [['DEB000_25', 1], ['DEB000_26', 2], ['DEB001_25', 3]] as const) {
      const { connectionIds } = await reportLocalStock(tenantEntityManager(harness.orm, tenantId), [{ sku, stock }]);
      expect([...connectionIds]).toEqual([seller.connectionId]);
      await harness.scheduler.pushStock({ tenantId, connectionId: seller.connectionId });
    }
    await harness.waitForIdle(tenantId, seller.connectionId);

    const pushes = await pushRuns();
    expect(pushes.map((run) => [run.status, run.writtenCount])).toEqual([[SyncRunStatus.SUCCEEDED, 3]]);
    expect(harness.requestsSince(before, 'PUT').map((request) => request.path).sort()).toEqual(seller.itemIds.map((id) => `/items/${id}`).sort());
    expect(harness.sandbox.getItem(seller.itemIds[0]!)?.variations.map((variation) => variation.available_quantity)).toEqual([1, 2]);
    expect(harness.sandbox.getItem(seller.itemIds[1]!)?.variations.map((variation) => variation.available_quantity)).toEqual([3, 4]);
  });

  it('retries a listing after a transient failure', async () => {
    const itemId = seller.itemIds[1]!;
    const runsBefore = (await pushRuns()).length;
    // Every attempt of the connector's call fails, so the next push is what retries.
    harness.sandbox.injectFault({ method: 'PUT', path: `/items/${itemId}`, status: 503, times: DEFAULT_RESILIENCE_OPTIONS.maxAttempts });

    const { connectionIds } = await reportLocalStock(tenantEntityManager(harness.orm, tenantId), [{ sku: 'DEB001_26', stock: 0 }]);
    await harness.scheduler.pushStock({ tenantId, connectionId: [...connectionIds][0]! });
    await harness.waitForIdle(tenantId, seller.connectionId);

    const runs = (await pushRuns()).slice(runsBefore);
    expect(runs.map((run) => [run.status, run.writtenCount, run.errorCount])).toEqual([[SyncRunStatus.SUCCEEDED, 0, 1], [SyncRunStatus.SUCCEEDED, 1, 0]]);
    expect(harness.sandbox.getItem(itemId)?.variations.map((variation) => variation.available_quantity)).toEqual([3, 0]);
  });

  it('marks a listing FAILED when the marketplace rejects it', async () => {
    const itemId = seller.itemIds[0]!;
    const runsBefore = (await pushRuns()).length;
    harness.sandbox.injectFault({
      method: 'PUT', path: `/items/${itemId}`, status: 400,
      body: { message: 'Item is not modifiable', error: 'validation_error', status: 400, cause: [] },
    });

    await reportLocalStock(tenantEntityManager(harness.orm, tenantId), [{ sku: 'DEB000_25', stock: 9 }]);
    await harness.scheduler.pushStock({ tenantId, connectionId: seller.connectionId });
    await harness.waitForIdle(tenantId, seller.connectionId);

    const runs = (await pushRuns()).slice(runsBefore);
    expect(runs.map((run) => [run.status, run.writtenCount, run.errorCount])).toEqual([[SyncRunStatus.SUCCEEDED, 0, 1]]);
    const listing = await tenantEntityManager(harness.orm, tenantId).findOneOrFail(Listing, { sku: 'DEB000_25' });
    expect(listing.pushState).toBe(ListingPushState.FAILED);
    expect(listing.lastError).toContain('Item is not modifiable');
    expect(listing.remoteStock).toBe(1);
    expect(harness.sandbox.getItem(itemId)?.variations[0]?.available_quantity).toBe(1);
  });
});
