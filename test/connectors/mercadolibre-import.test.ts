import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPage, MULTIGET_MAX_IDS, type MercadoLibreClient } from '../../src/connectors/mercadolibre/index.js';
import type { ImportCheckpoint, RemoteListing } from '../../src/connectors/shared/index.js';
import { startMercadoLibreSandbox } from '../../src/sandbox/mercadolibre/index.js';
import type { MercadoLibreSandbox, RecordedRequest } from '../../src/sandbox/mercadolibre/types.js';
import { connectSeller, footwearItems, sandboxApp, sandboxConfig } from './mercadolibre-fixtures.js';
import { testLogger } from '../support/logger.js';

let sandbox: MercadoLibreSandbox;

beforeAll(async () => {
  // A high limit, because this connector sends no retries and the import makes many calls.
  sandbox = await startMercadoLibreSandbox({ apps: [sandboxApp()], ratePerSecond: 100_000, logger: testLogger() });
});

afterAll(async () => {
  await sandbox.close();
});

interface ImportRun {
  listings: RemoteListing[];
  pages: number;
  requests: RecordedRequest[];
}

/** Runs an import to the end, passing each checkpoint through JSON as a job store would. */
async function importAll(client: MercadoLibreClient, userId: number, pageSize: number, afterFirstPage?: () => void): Promise<ImportRun> {
  const before = sandbox.requests.length;
  const listings: RemoteListing[] = [];
  let checkpoint: ImportCheckpoint | null = null;
  let pages = 0;
  do {
    const page = await importPage(client, String(userId), checkpoint, { pageSize });
    listings.push(...page.listings);
    checkpoint = page.checkpoint === null ? null : (JSON.parse(JSON.stringify(page.checkpoint)) as ImportCheckpoint);
    pages += 1;
    if (pages === 1) {
      afterFirstPage?.();
    }
    expect(pages).toBeLessThan(200);
  } while (checkpoint !== null);
  return { listings, pages, requests: sandbox.requests.slice(before) };
}

function listingKey(listing: RemoteListing): string {
  return `${listing.externalId}/${listing.externalVariantId ?? '-'}`;
}

/** Lists the keys (as listingKey builds them) of every listing the sandbox holds for these items. */
function expectedKeys(itemIds: readonly string[]): string[] {
  return itemIds.flatMap((itemId) => {
    const item = sandbox.getItem(itemId);
    if (!item) {
      throw new Error(`sandbox lost item ${itemId}`);
    }
    return item.variations.length === 0 ? [`${itemId}/-`] : item.variations.map((variation) => `${itemId}/${variation.id}`);
  });
}

function searchRequests(requests: RecordedRequest[], userId: number): RecordedRequest[] {
  return requests.filter((request) => request.path === `/users/${userId}/items/search`);
}

function multigetRequests(requests: RecordedRequest[]): RecordedRequest[] {
  return requests.filter((request) => request.path === '/items');
}

describe('MercadoLibre import', () => {
  it('reads a small seller with offset paging', async () => {
    const config = sandboxConfig(sandbox);
    const { userId, itemIds } = sandbox.seedSeller({ nickname: 'TIENDA_CHICA', items: footwearItems(7, 'CHICA', 3) });
    const { client } = await connectSeller(sandbox, config, userId);

    const run = await importAll(client, userId, 3);

    expect(run.listings.map(listingKey).sort()).toEqual(expectedKeys(itemIds).sort());
    expect(run.pages).toBe(3);
    expect(searchRequests(run.requests, userId).every((request) => request.query.search_type === undefined)).toBe(true);

    const variation = run.listings.find((listing) => listing.sellerSku === 'CHICA0001_NEGRO25');
    expect(variation).toMatchObject({
      marketplace: 'MERCADOLIBRE',
      externalId: itemIds[1],
      title: 'Tenis CHICA0001 Negro',
      price: 899,
      currency: 'MXN',
      availableQuantity: 3,
      status: 'active',
      size: '25',
      color: 'NEGRO',
      gtin: '7500000000011',
    });
    expect(variation?.updatedAt).toBeInstanceOf(Date);
    const plain = run.listings.find((listing) => listing.externalId === itemIds[0]);
    expect(plain).toMatchObject({ externalVariantId: null, sellerSku: 'CHICA0000_UNICA', availableQuantity: 4, size: null });
  });

  it('reads 1,050 items once each using scan', async () => {
    const config = sandboxConfig(sandbox);
    const { userId, itemIds } = sandbox.seedSeller({ nickname: 'TIENDA_GRANDE', items: footwearItems(1050, 'GRANDE', 50) });
    const { client } = await connectSeller(sandbox, config, userId);

    const run = await importAll(client, userId, 100);

    const keys = run.listings.map(listingKey);
    const expected = expectedKeys(itemIds);
    expect(expected.length).toBe(2079);
    expect(keys.length).toBe(expected.length);
    expect(new Set(keys).size).toBe(keys.length);
    expect([...keys].sort()).toEqual([...expected].sort());

    const searches = searchRequests(run.requests, userId);
    // The first page reports more than 1,000 items, so scan mode starts right after it.
    expect(searches[0]?.query.search_type).toBeUndefined();
    expect(searches[1]?.query.search_type).toBe('scan');
    for (const request of searches.filter((candidate) => candidate.query.search_type !== 'scan')) {
      expect(Number(request.query.offset) + Number(request.query.limit)).toBeLessThanOrEqual(1000);
    }
    const multigets = multigetRequests(run.requests);
    expect(multigets.length).toBeGreaterThanOrEqual(Math.ceil(1050 / MULTIGET_MAX_IDS));
    for (const request of multigets) {
      expect(request.query.ids?.split(',').length).toBeLessThanOrEqual(MULTIGET_MAX_IDS);
    }
    expect(run.requests.filter((request) => request.status !== 200)).toEqual([]);
    expect(client.apiCalls).toBeGreaterThanOrEqual(run.requests.length);
  });

  it('switches to scan when the seller grows', async () => {
    const config = sandboxConfig(sandbox);
    const seeded = sandbox.seedSeller({ nickname: 'TIENDA_CRECE', items: footwearItems(990, 'CRECE') });
    const { client } = await connectSeller(sandbox, config, seeded.userId);
    let addedIds: string[] = [];

    // After the first page the seller passes 1,000 items, so the rest must come through scan mode.
    const run = await importAll(client, seeded.userId, 100, () => {
      addedIds = sandbox.seedSeller({ userId: seeded.userId, nickname: 'TIENDA_CRECE', items: footwearItems(30, 'NUEVO') }).itemIds;
    });

    const keys = run.listings.map(listingKey);
    const expected = expectedKeys([...seeded.itemIds, ...addedIds]);
    expect(addedIds).toHaveLength(30);
    expect(keys.length).toBe(expected.length);
    expect(new Set(keys).size).toBe(keys.length);
    expect([...keys].sort()).toEqual([...expected].sort());
    const searches = searchRequests(run.requests, seeded.userId);
    expect(searches[0]?.query.search_type).toBeUndefined();
    expect(searches.some((request) => request.query.search_type === 'scan')).toBe(true);
  });

  it('rejects a foreign checkpoint', async () => {
    const config = sandboxConfig(sandbox);
    const { userId } = sandbox.seedSeller({ nickname: 'TIENDA_CHECK', items: footwearItems(1, 'CHECK') });
    const { client } = await connectSeller(sandbox, config, userId);

    await expect(importPage(client, String(userId), { cursor: 'abc' })).rejects.toMatchObject({
      kind: 'invalid_input',
      code: 'invalid_checkpoint',
    });
  });
});
