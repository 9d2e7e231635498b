import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantEntityManager } from '../../src/database/orm.js';
import {
  InventoryAdjustment, Listing, ListingPushState, MarketplaceConnection, Product, SyncConflict, SyncConflictStatus, SyncRun, SyncRunKind,
  SyncRunStatus,
} from '../../src/entities/index.js';
import type { Item, SeedItem } from '../../src/sandbox/mercadolibre/types.js';
import { reportLocalStock } from '../../src/sync/local-stock.js';
import {
  loadConnection, shoeItems, startSyncHarness, waitFor, type ConnectedSeller, type SyncHarness,
} from '../support/sync-harness.js';

const PAGE_SIZE = 10;
const SIZES = ['24', '25', '26', '27'];
const LINKED_ITEMS = 36;

let harness: SyncHarness;

beforeAll(async () => {
  harness = await startSyncHarness({ importPageSize: PAGE_SIZE });
});

afterAll(async () => {
  await harness?.close();
});

function remoteLevel(item: number, size: number): number {
  return (item + size) % 5 + 1;
}

/** EGDC's level: the marketplace's, except every fifth variation, which EGDC has two more of. */
function egdcLevel(item: number, size: number): number {
  return (item * SIZES.length + size) % 5 === 0 ? remoteLevel(item, size) + 2 : remoteLevel(item, size);
}

function sandboxItem(itemId: string): Item {
  const item = harness.sandbox.getItem(itemId);
  if (!item) throw new Error(`sandbox has no item ${itemId}`);
  return item;
}

async function listingsOf(seller: ConnectedSeller): Promise<Listing[]> {
  return tenantEntityManager(harness.orm, seller.tenantId).find(Listing, { connection: seller.connectionId }, { orderBy: { externalId: 'asc', externalVariantId: 'asc' } });
}

async function startImport(seller: ConnectedSeller): Promise<SyncRun> {
  const run = await harness.sync.startSync({ tenantId: seller.tenantId, connectionId: seller.connectionId, kind: SyncRunKind.IMPORT, trigger: 'api' });
  const finished = await harness.waitForRun(seller.tenantId, run.id);
  await harness.waitForIdle(seller.tenantId, seller.connectionId);
  return finished;
}

describe('listing import', () => {
  const tenantId = 'tenant-import';
  const linked = shoeItems(LINKED_ITEMS, 'IMP', SIZES, remoteLevel);
  const plain: SeedItem = { title: 'Bolsa PLAIN001', price: 350, sellerSku: 'PLAIN001_UNICA', availableQuantity: 4 };
  const unmatched: SeedItem = {
    title: 'Tenis ZZZ Rojo', price: 500,
    variations: [{ sellerSku: 'ZZZ_24', size: '24', price: 500, availableQuantity: 3 }, { sellerSku: 'ZZZ_25', size: '25', price: 500, availableQuantity: 6 }],
  };
  const noSku: SeedItem = { title: 'Cinturon sin SKU', price: 200, availableQuantity: 2 };
  const totalListings = LINKED_ITEMS * SIZES.length + 1 + 2 + 1;
  let seller: ConnectedSeller;
  let importStart: number;
  let linkedItemIds: string[];
  let plainId: string;
  let unlinkedItemIds: string[];

  beforeAll(async () => {
    const levels = linked.flatMap((_, item) => SIZES.map((size, index) => ({ sku: `IMP${String(item).padStart(3, '0')}_${size}`, stock: egdcLevel(item, index) })));
    await harness.insertProducts(tenantId, [...levels, { sku: 'PLAIN001_UNICA', stock: 7 }]);
    importStart = harness.sandbox.requests.length;
    seller = await harness.connectSeller(tenantId, 'IMPORT_STORE', [...linked, plain, unmatched, noSku]);
    linkedItemIds = seller.itemIds.slice(0, LINKED_ITEMS);
    plainId = seller.itemIds[LINKED_ITEMS]!;
    unlinkedItemIds = seller.itemIds.slice(LINKED_ITEMS + 1);
  });

  it('creates one listing per variation with counts on the run', async () => {
    const run = await tenantEntityManager(harness.orm, tenantId).findOneOrFail(SyncRun, { id: seller.importRunId });
    const listings = await listingsOf(seller);

    expect(run.status).toBe(SyncRunStatus.SUCCEEDED);
    expect(run.readCount).toBe(totalListings);
    expect(run.writtenCount).toBe(totalListings);
    expect(run.skippedCount).toBe(3);
    expect(run.apiCalls).toBeGreaterThanOrEqual(8);
    expect(listings).toHaveLength(totalListings);
    const first = listings.find((listing) => listing.sku === 'IMP000_24');
    expect(first).toMatchObject({ externalId: linkedItemIds[0], size: '24', color: 'NEGRO', price: 899, currency: 'MXN', status: 'active' });
    expect(first?.externalVariantId).toBe(String(sandboxItem(linkedItemIds[0]!).variations[0]!.id));
    expect((await loadConnection(harness.orm, tenantId, seller.connectionId)).importCheckpoint).toBeNull();
  });

  it('holds three equal levels on linked listings', async () => {
    const listings = (await listingsOf(seller)).filter((listing) => listing.localStock !== null);

    expect(listings).toHaveLength(LINKED_ITEMS * SIZES.length + 1);
    for (const [item, itemId] of linkedItemIds.entries()) {
      for (const [index, variation] of sandboxItem(itemId).variations.entries()) {
        const listing = listings.find((candidate) => candidate.externalId === itemId && candidate.externalVariantId === String(variation.id));
        const expected = egdcLevel(item, index);
        expect({ sku: listing?.sku, local: listing?.localStock, remote: listing?.remoteStock, base: listing?.baseStock, push: listing?.pushState, sandbox: variation.available_quantity })
          .toEqual({ sku: `IMP${String(item).padStart(3, '0')}_${SIZES[index]}`, local: expected, remote: expected, base: expected, push: ListingPushState.SYNCED, sandbox: expected });
      }
    }
    expect(sandboxItem(plainId).available_quantity).toBe(7);
  });

  it('pushes only the differing variations, each item once', async () => {
    const puts = harness.requestsSince(importStart, 'PUT');
    const differing = linked.map((_, item) => SIZES.map((__, index) => egdcLevel(item, index) !== remoteLevel(item, index)));
    const expectedItems = linkedItemIds.filter((_, item) => differing[item]!.some(Boolean));

    expect(puts.map((request) => request.path).sort()).toEqual([...expectedItems, plainId].map((id) => `/items/${id}`).sort());
    for (const [item, itemId] of linkedItemIds.entries()) {
      const put = puts.find((request) => request.path === `/items/${itemId}`);
      if (!differing[item]!.some(Boolean)) continue;
      const variations = sandboxItem(itemId).variations;
      expect(put?.body).toEqual({
        variations: variations.map((variation, index) => (differing[item]![index] ? { id: variation.id, available_quantity: egdcLevel(item, index) } : { id: variation.id })),
      });
    }
    expect(puts.find((request) => request.path === `/items/${plainId}`)?.body).toEqual({ available_quantity: 7 });

    const pushRuns = await tenantEntityManager(harness.orm, tenantId).find(SyncRun, { connection: seller.connectionId, kind: SyncRunKind.PUSH });
    expect(pushRuns.map((run) => run.status)).toEqual(pushRuns.map(() => SyncRunStatus.SUCCEEDED));
    expect(pushRuns.reduce((sum, run) => sum + run.writtenCount, 0)).toBe(differing.flat().filter(Boolean).length + 1);
  });

  it('never links or pushes a listing without a matching SKU', async () => {
    const unlinked = (await listingsOf(seller)).filter((listing) => unlinkedItemIds.includes(listing.externalId));

    expect(unlinked.map((listing) => listing.sku).sort()).toEqual(['ZZZ_24', 'ZZZ_25', null].sort());
    for (const listing of unlinked) {
      expect(listing.localStock).toBeNull();
      expect(listing.baseStock).toBeNull();
      expect(listing.pushState).toBe(ListingPushState.SYNCED);
    }
    expect(harness.requestsSince(importStart, 'PUT').filter((request) => unlinkedItemIds.some((id) => request.path === `/items/${id}`))).toEqual([]);
    expect(sandboxItem(unlinkedItemIds[0]!).variations.map((variation) => variation.available_quantity)).toEqual([3, 6]);
    expect(sandboxItem(unlinkedItemIds[1]!).available_quantity).toBe(2);
  });

  it('creates no duplicates on a second import', async () => {
    const before = harness.sandbox.requests.length;
    const ids = (await listingsOf(seller)).map((listing) => listing.id).sort();

    const run = await startImport(seller);

    expect(run.status).toBe(SyncRunStatus.SUCCEEDED);
    expect(run.readCount).toBe(totalListings);
    expect(run.conflictCount).toBe(0);
    expect((await listingsOf(seller)).map((listing) => listing.id).sort()).toEqual(ids);
    expect(harness.requestsSince(before, 'PUT')).toEqual([]);
  });

  it('reports a level changed only on the marketplace', async () => {
    const itemId = linkedItemIds[1]!;
    const variation = sandboxItem(itemId).variations[2]!;
    const sku = 'IMP001_26';
    const stockBefore = await harness.productStock(tenantId, sku);
    harness.sandbox.setVariationStock(itemId, variation.id, 9);
    const before = harness.sandbox.requests.length;

    await startImport(seller);

    expect(await harness.productStock(tenantId, sku)).toBe(9);
    const listing = (await listingsOf(seller)).find((candidate) => candidate.sku === sku);
    expect({ local: listing?.localStock, remote: listing?.remoteStock, base: listing?.baseStock }).toEqual({ local: 9, remote: 9, base: 9 });
    const adjustments = await tenantEntityManager(harness.orm, tenantId).find(InventoryAdjustment, { sku });
    expect(adjustments.map((adjustment) => [adjustment.delta, adjustment.stockAfter])).toEqual([[9 - stockBefore!, 9]]);
    expect(harness.requestsSince(before, 'PUT')).toEqual([]);
  });

  it('settles levels changed on both sides by LOWEST_STOCK', async () => {
    const itemId = linkedItemIds[2]!;
    const [lowLocal, lowRemote] = sandboxItem(itemId).variations;
    const em = tenantEntityManager(harness.orm, tenantId);
    await reportLocalStock(em, [{ sku: 'IMP002_24', stock: 1 }, { sku: 'IMP002_25', stock: 8 }]);
    harness.sandbox.setVariationStock(itemId, lowLocal!.id, 6);
    harness.sandbox.setVariationStock(itemId, lowRemote!.id, 0);
    const before = harness.sandbox.requests.length;

    const run = await startImport(seller);

    expect(run.conflictCount).toBe(2);
    expect(await harness.productStock(tenantId, 'IMP002_24')).toBe(1);
    expect(await harness.productStock(tenantId, 'IMP002_25')).toBe(0);
    expect(sandboxItem(itemId).variations.slice(0, 2).map((variation) => variation.available_quantity)).toEqual([1, 0]);
    const puts = harness.requestsSince(before, 'PUT');
    expect(puts.map((request) => request.path)).toEqual([`/items/${itemId}`]);
    expect(puts[0]?.body).toEqual({ variations: sandboxItem(itemId).variations.map((variation, index) => (index === 0 ? { id: variation.id, available_quantity: 1 } : { id: variation.id })) });
  });
  it('holds a MANUAL conflict back from pushes', async () => {
    const itemId = linkedItemIds[3]!;
    const variation = sandboxItem(itemId).variations[0]!;
    const sku = 'IMP003_24';
    const em = tenantEntityManager(harness.orm, tenantId);
    const connection = await em.findOneOrFail(MarketplaceConnection, { id: seller.connectionId });
    connection.conflictPolicy = { stock: 'MANUAL' };
    await em.flush();
    await reportLocalStock(em, [{ sku, stock: 11 }]);
    expect(variation.available_quantity).toBe(4);
    harness.sandbox.setVariationStock(itemId, variation.id, 2);

    const run = await startImport(seller);
    const push = await harness.sync.startSync({ tenantId, connectionId: seller.connectionId, kind: SyncRunKind.PUSH, trigger: 'api' });
    await harness.waitForIdle(tenantId, seller.connectionId);

    expect(push.kind).toBe(SyncRunKind.PUSH);
    expect(run.conflictCount).toBe(1);
    const conflicts = await tenantEntityManager(harness.orm, tenantId).find(SyncConflict, { listing: { sku } });
    expect(conflicts.map((conflict) => [conflict.status, conflict.localValue, conflict.remoteValue])).toEqual([[SyncConflictStatus.OPEN, 11, 2]]);
    expect(sandboxItem(itemId).variations[0]?.available_quantity).toBe(2);
    expect(await harness.productStock(tenantId, sku)).toBe(11);

    await reportLocalStock(tenantEntityManager(harness.orm, tenantId), [{ sku, stock: 13 }]);
    await harness.sync.startSync({ tenantId, connectionId: seller.connectionId, kind: SyncRunKind.PUSH, trigger: 'api' });
    await harness.waitForIdle(tenantId, seller.connectionId);
    expect(sandboxItem(itemId).variations[0]?.available_quantity).toBe(2);
    const updated = await tenantEntityManager(harness.orm, tenantId).findOneOrFail(SyncConflict, { id: conflicts[0]!.id });
    expect([updated.status, updated.localValue, updated.remoteValue]).toEqual([SyncConflictStatus.OPEN, 13, 2]);

    harness.sandbox.setVariationStock(itemId, variation.id, 13);
    await startImport(seller);
    const settled = await tenantEntityManager(harness.orm, tenantId).findOneOrFail(SyncConflict, { id: conflicts[0]!.id });
    expect([settled.status, settled.resolution, settled.resolvedValue]).toEqual([SyncConflictStatus.SUPERSEDED, 'IN_SYNC', 13]);
    const listing = (await listingsOf(seller)).find((candidate) => candidate.sku === sku);
    expect({ local: listing?.localStock, remote: listing?.remoteStock, base: listing?.baseStock }).toEqual({ local: 13, remote: 13, base: 13 });
    await tenantEntityManager(harness.orm, tenantId).nativeUpdate(MarketplaceConnection, { id: seller.connectionId }, { conflictPolicy: { stock: 'LOWEST_STOCK' } });
  });

  it('unlinks a listing whose product is gone', async () => {
    const itemId = linkedItemIds[4]!;
    const sku = 'IMP004_25';
    const em = tenantEntityManager(harness.orm, tenantId);
    await reportLocalStock(em, [{ sku, stock: 12 }]);
    await em.nativeDelete(Product, { sku });
    const before = harness.sandbox.requests.length;

    const run = await startImport(seller);

    expect(run.status).toBe(SyncRunStatus.SUCCEEDED);
    const listing = (await listingsOf(seller)).find((candidate) => candidate.sku === sku);
    expect(listing?.localStock).toBeNull();
    expect(listing?.pushState).toBe(ListingPushState.SYNCED);
    expect(harness.requestsSince(before, 'PUT').filter((request) => request.path === `/items/${itemId}`)).toEqual([]);
  });
});

describe('listing import checkpoint', () => {
  it('resumes from the saved checkpoint', async () => {
    const tenantId = 'tenant-resume';
    const itemCount = 40;
    const latency = { method: 'GET', path: '/items', latencyMs: 150, times: Infinity };
    harness.sandbox.injectFault(latency);
    const seller = await harness.connectSeller(tenantId, 'RESUME_STORE', shoeItems(itemCount, 'RES', ['25'], () => 2), { waitForImport: false });
    const searchPath = `/users/${seller.userId}/items/search`;

    const saved = await waitFor(
      'the first import page to be saved',
      async () => (await loadConnection(harness.orm, tenantId, seller.connectionId)).importCheckpoint ?? null,
      (checkpoint) => checkpoint !== null,
    );
    harness.sandbox.clearFaults();
    harness.sandbox.injectFault({ method: 'GET', path: searchPath, status: 400, times: Infinity });
    const failed = await harness.waitForRun(tenantId, seller.importRunId);
    harness.sandbox.clearFaults();

    expect(saved).toMatchObject({ mode: 'offset' });
    expect(failed.status).toBe(SyncRunStatus.FAILED);
    expect(failed.error).toContain('400');
    const checkpoint = (await loadConnection(harness.orm, tenantId, seller.connectionId)).importCheckpoint as { offset: number } | null;
    expect(checkpoint?.offset).toBeGreaterThanOrEqual(PAGE_SIZE);
    expect(checkpoint?.offset).toBeLessThan(itemCount);
    const importedBefore = (await listingsOf(seller)).length;
    expect(importedBefore).toBe(checkpoint?.offset);
    expect(failed.readCount).toBe(importedBefore);

    const before = harness.sandbox.requests.length;
    const resumed = await startImport(seller);

    expect(resumed.status).toBe(SyncRunStatus.SUCCEEDED);
    const searches = harness.requestsSince(before, 'GET', searchPath);
    expect(searches[0]?.query.offset).toBe(String(checkpoint?.offset));
    expect(searches.map((request) => Number(request.query.offset))).not.toContain(0);
    expect(resumed.readCount).toBe(itemCount - importedBefore);
    const listings = await listingsOf(seller);
    expect(listings).toHaveLength(itemCount);
    expect(new Set(listings.map((listing) => listing.externalId)).size).toBe(itemCount);
    expect((await loadConnection(harness.orm, tenantId, seller.connectionId)).importCheckpoint).toBeNull();
  });
});
