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
import type { SyncDependencies } from '../../src/sync/context.js';
import { reportLocalStock } from '../../src/sync/local-stock.js';
import { SyncService } from '../../src/sync/sync-service.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { testLogger } from '../support/logger.js';
import { recordSecret } from '../support/secret-ledger.js';
import { waitFor } from '../support/sync-harness.js';

const TENANT = 'tenant-coalescing-shopify';
const SHOP = 'zapateria-coalesce.myshopify.com';
const CLIENT_ID = 'egdc-coalescing-client';
const CLIENT_SECRET = 'sandbox-coalescing-secret-0123456789';
const REDIRECT_URI = 'https://integrations.example.test/oauth/shopify/callback';
const SEEDED_STOCK = 3;
const CHANGES = 1_000;
const DISTINCT_SKUS = 250;

/** The sync services wired as a worker process wires them, on one job queue. */
interface Worker {
  queue: JobQueue;
  deps: SyncDependencies;
  sync: SyncService;
}

let database: TestDatabase;
let sandbox: ShopifySandbox;
let shop: SeededShop;
let events: PostgresEvents;
let connectors: ConnectorRegistry;
let vault: Vault;
let skus: string[];
let connectionId: string;
const workers: Worker[] = [];

async function startWorker(pushDebounceMs: number): Promise<Worker> {
  const logger = testLogger();
  const queue = await createJobQueue({ databaseUrl: database.url, logger, processEvery: 200, lockLifetimeMs: 10_000, drainTimeoutMs: 2_000 });
  const scheduler = createSyncScheduler(queue, { pushDebounceMs });
  const deps: SyncDependencies = { orm: database.orm, connectors, vault, events, scheduler, logger };
  defineSyncJobs(queue, deps);
  const worker = { queue, deps, sync: new SyncService({ orm: database.orm, scheduler }) };
  workers.push(worker);
  return worker;
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

beforeAll(async () => {
  database = await createTestDatabase();
  const logger = testLogger();
  recordSecret('Shopify client secret', CLIENT_SECRET);
  sandbox = await startShopifySandbox({ apps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI], name: 'EGDC' }], logger });
  shop = sandbox.seedShop({
    shopDomain: SHOP,
    plan: 'plus',
    products: Array.from({ length: 150 }, (_, index) => {
      const model = `SHC${String(index).padStart(3, '0')}`;
      return { title: `Tenis ${model}`, variants: ['25', '26'].map((size) => ({ sku: `${model}_${size}`, size, price: 899, available: SEEDED_STOCK })) };
    }),
  });
  skus = shop.products.flatMap((_, index) => ['25', '26'].map((size) => `SHC${String(index).padStart(3, '0')}_${size}`));

  connectors = new ConnectorRegistry();
  connectors.register(createShopifyConnector(
    createShopifyConfig({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, endpointForShop: (domain) => sandbox.endpointForShop(domain) }),
    { logger },
  ));
  const key = generateKey('k1');
  recordSecret('encryption key (base64)', key.key.toString('base64'));
  vault = new Vault([key]);
  events = await createPostgresEvents({ databaseUrl: database.url, logger });

  // EGDC has the shop's levels, so the import leaves nothing to push.
  const em = tenantEntityManager(database.orm, TENANT);
  for (const sku of skus) {
    em.create(Product, { tenantId: TENANT, sku, category: 'Tenis', brand: 'EGDC', model: sku.split('_')[0]!, color: 'NEGRO', size: sku.split('_')[1]!, cost: 400, stock: SEEDED_STOCK, stockByWarehouse: { egdc: SEEDED_STOCK } });
  }
  await em.flush();

  // Connect through the real authorization flow; a running worker imports the listings.
  const importer = await startWorker(0);
  const authorization = new AuthorizationService({ orm: database.orm, vault, connectors, events, sync: importer.sync, logger, allowedReturnUrls: [] });
  const start = await authorization.startAuthorization({ tenantId: TENANT, userId: 'user-1', marketplace: Marketplace.SHOPIFY, shopDomain: SHOP });
  const state = new URL(start.authorizationUrl).searchParams.get('state') ?? '';
  const { callbackQuery } = sandbox.issueAuthorizationCode({ clientId: CLIENT_ID, shopDomain: SHOP, redirectUri: REDIRECT_URI, state });
  const result = await authorization.completeAuthorization({ marketplace: Marketplace.SHOPIFY, query: callbackQuery });
  if (!result.ok) throw new Error(`Connecting ${SHOP} failed: ${result.reason}`);
  connectionId = result.connectionId;
  await importer.queue.start();
  await waitForIdle();
  await importer.queue.stop({ drainTimeoutMs: 2_000 });
});

afterAll(async () => {
  for (const worker of workers) await worker.queue.stop({ drainTimeoutMs: 2_000 });
  await events?.close();
  await sandbox?.close();
  await database?.close();
});

function operationOf(request: RecordedRequest): string | undefined {
  return (request.body as { operationName?: string } | undefined)?.operationName;
}

describe('Shopify stock push coalescing', () => {
  it('fills batches with newest levels', async () => {
    const em = tenantEntityManager(database.orm, TENANT);
    expect(await em.count(Listing, { connection: connectionId })).toBe(skus.length);
    expect(await em.count(Listing, { connection: connectionId, pushState: ListingPushState.PENDING_PUSH })).toBe(0);

    // A second worker whose queue starts after the changes: the debounced push waits in the queue
    // while EGDC reports 1,000 changes, 4 per SKU, each followed by a push request.
    const worker = await startWorker(200);
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
    await waitForIdle();

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
