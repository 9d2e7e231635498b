import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthorizationService } from '../../src/connections/authorization.js';
import { ConnectorRegistry } from '../../src/connections/registry.js';
import { createShopifyConfig, createShopifyConnector, STOCK_BATCH_MAX } from '../../src/connectors/shopify/index.js';
import { tenantEntityManager } from '../../src/database/orm.js';
import { Listing, ListingPushState, Marketplace, Product, SyncRun, SyncRunKind, SyncRunStatus } from '../../src/entities/index.js';
import { createPostgresEvents, type PostgresEvents } from '../../src/events/postgres-events.js';
import { createJobQueue, type JobQueue } from '../../src/jobs/queue.js';
import { createSyncScheduler, defineSyncJobs } from '../../src/jobs/sync-jobs.js';
import { startShopifySandbox, type RecordedRequest, type SeededShop, type ShopifySandbox } from '../../src/sandbox/shopify/index.js';
import { generateKey, Vault } from '../../src/security/vault.js';
import type { SyncScheduler } from '../../src/sync/scheduling.js';
import { reportLocalStock } from '../../src/sync/local-stock.js';
import { SyncService } from '../../src/sync/sync-service.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { testLogger } from '../support/logger.js';
import { recordSecret } from '../support/secret-ledger.js';
import { waitFor } from '../support/sync-harness.js';

// The stock push hands the connector each listing's inventory item and last known Shopify level,
// so a push writes with compare and set and reads only when Shopify reports a stale level.

const TENANT = 'tenant-shopify-cas';
const SHOP = 'zapateria-cas-push.myshopify.com';
const CLIENT_ID = 'egdc-cas-push-client';
const CLIENT_SECRET = 'sandbox-cas-push-secret-0123456789';
const REDIRECT_URI = 'https://integrations.example.test/oauth/shopify/callback';
const SEEDED_STOCK = 3;
const MODELS = 70;
const SIZES = ['25', '26'];

let database: TestDatabase;
let sandbox: ShopifySandbox;
let shop: SeededShop;
let events: PostgresEvents;
let queue: JobQueue;
let scheduler: SyncScheduler;
let connectionId: string;

function skuOf(model: number, size: string): string {
  return `CAS${String(model).padStart(3, '0')}_${size}`;
}

function operationOf(request: RecordedRequest): string | undefined {
  return (request.body as { operationName?: string } | undefined)?.operationName;
}

function quantitiesOf(request: RecordedRequest): Array<{ inventoryItemId: string; quantity: number; changeFromQuantity: number | null }> {
  return (request.body as { variables: { input: { quantities: Array<{ inventoryItemId: string; quantity: number; changeFromQuantity: number | null }> } } }).variables.input.quantities;
}

async function waitForIdle(): Promise<void> {
  await waitFor(
    `connection ${connectionId} to have no pending push and no unfinished run`,
    async () => {
      const em = tenantEntityManager(database.orm, TENANT);
      const pending = await em.count(Listing, { connection: connectionId, pushState: ListingPushState.PENDING_PUSH });
      const unfinished = await em.count(SyncRun, { connection: connectionId, status: { $in: [SyncRunStatus.QUEUED, SyncRunStatus.RUNNING] } });
      return { pending, unfinished };
    },
    ({ pending, unfinished }) => pending === 0 && unfinished === 0,
  );
}

/** Sets EGDC's levels and requests a push, as EGDC core's stock report does. */
async function reportAndPush(levels: Array<{ sku: string; stock: number }>): Promise<void> {
  const { connectionIds } = await reportLocalStock(tenantEntityManager(database.orm, TENANT), levels);
  expect([...connectionIds]).toEqual([connectionId]);
  await scheduler.pushStock({ tenantId: TENANT, connectionId });
  await waitForIdle();
}

async function pushRuns(): Promise<SyncRun[]> {
  return tenantEntityManager(database.orm, TENANT).find(SyncRun, { connection: connectionId, kind: SyncRunKind.PUSH }, { orderBy: { createdAt: 'asc' } });
}

beforeAll(async () => {
  database = await createTestDatabase();
  const logger = testLogger();
  recordSecret('Shopify client secret', CLIENT_SECRET);
  // No webhook address: edits in the shop stay unknown to EGDC, as when a notification is lost.
  sandbox = await startShopifySandbox({ apps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI], name: 'EGDC' }], logger });
  shop = sandbox.seedShop({
    shopDomain: SHOP,
    plan: 'plus',
    products: Array.from({ length: MODELS }, (_, model) => ({
      title: `Tenis CAS${model}`,
      variants: SIZES.map((size) => ({ sku: skuOf(model, size), size, price: 899, available: SEEDED_STOCK })),
    })),
  });

  const connectors = new ConnectorRegistry();
  connectors.register(createShopifyConnector(
    createShopifyConfig({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, endpointForShop: (domain) => sandbox.endpointForShop(domain) }),
    { logger },
  ));
  const key = generateKey('k1');
  recordSecret('encryption key (base64)', key.key.toString('base64'));
  const vault = new Vault([key]);
  events = await createPostgresEvents({ databaseUrl: database.url, logger });
  queue = await createJobQueue({ databaseUrl: database.url, logger, processEvery: 200, lockLifetimeMs: 10_000, drainTimeoutMs: 2_000 });
  scheduler = createSyncScheduler(queue, { pushDebounceMs: 0 });
  defineSyncJobs(queue, { orm: database.orm, connectors, vault, events, scheduler, logger });

  // EGDC has the shop's levels, so the import leaves nothing to push.
  const em = tenantEntityManager(database.orm, TENANT);
  for (let model = 0; model < MODELS; model += 1) {
    for (const size of SIZES) {
      em.create(Product, { tenantId: TENANT, sku: skuOf(model, size), category: 'Tenis', brand: 'EGDC', model: `CAS${model}`, color: 'NEGRO', size, cost: 400, stock: SEEDED_STOCK, stockByWarehouse: { egdc: SEEDED_STOCK } });
    }
  }
  await em.flush();

  const sync = new SyncService({ orm: database.orm, scheduler });
  const authorization = new AuthorizationService({ orm: database.orm, vault, connectors, events, sync, logger, allowedReturnUrls: [] });
  const start = await authorization.startAuthorization({ tenantId: TENANT, userId: 'user-1', marketplace: Marketplace.SHOPIFY, shopDomain: SHOP });
  const state = new URL(start.authorizationUrl).searchParams.get('state') ?? '';
  const { callbackQuery } = sandbox.issueAuthorizationCode({ clientId: CLIENT_ID, shopDomain: SHOP, redirectUri: REDIRECT_URI, state });
  const result = await authorization.completeAuthorization({ marketplace: Marketplace.SHOPIFY, query: callbackQuery });
  if (!result.ok) throw new Error(`Connecting ${SHOP} failed: ${result.reason}`);
  connectionId = result.connectionId;
  await queue.start();
  await waitForIdle();
});

afterAll(async () => {
  await queue?.stop({ drainTimeoutMs: 2_000 });
  await events?.close();
  await sandbox?.close();
  await database?.close();
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
