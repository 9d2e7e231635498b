import { AuthorizationService } from '../../src/connections/authorization.js';
import { ConnectorRegistry } from '../../src/connections/registry.js';
import { createShopifyConfig, createShopifyConnector } from '../../src/connectors/shopify/index.js';
import { tenantEntityManager } from '../../src/database/orm.js';
import { Marketplace, Product } from '../../src/entities/index.js';
import { createPostgresEvents, type PostgresEvents } from '../../src/events/postgres-events.js';
import { createJobQueue, type JobQueue } from '../../src/jobs/queue.js';
import { createSyncScheduler, defineSyncJobs } from '../../src/jobs/sync-jobs.js';
import { startShopifySandbox, type RecordedRequest, type SeededShop, type SeedProduct, type ShopifySandbox } from '../../src/sandbox/shopify/index.js';
import { generateKey, Vault } from '../../src/security/vault.js';
import type { SyncDependencies } from '../../src/sync/context.js';
import { SyncService } from '../../src/sync/sync-service.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { testLogger } from '../support/logger.js';
import { recordSecret } from '../support/secret-ledger.js';
import { waitForConnectionIdle } from '../support/sync-harness.js';

const CLIENT_ID = 'egdc-shopify-push-client';
const CLIENT_SECRET = 'sandbox-shopify-push-secret-0123456789';
const REDIRECT_URI = 'https://integrations.example.test/oauth/shopify/callback';

/** Returns the GraphQL operation name of a request the sandbox recorded. */
export function operationOf(request: RecordedRequest): string | undefined {
  return (request.body as { operationName?: string } | undefined)?.operationName;
}

/** The sync services wired as a worker process wires them, on one job queue. */
export interface ShopifyPushWorker {
  queue: JobQueue;
  deps: SyncDependencies;
  sync: SyncService;
}

/**
 * One Shopify shop connected to one tenant through the real authorization flow, with the listings
 * imported. The sandbox has no webhook address, so edits made in the shop stay unknown to EGDC, as
 * when a notification is lost.
 */
export interface ShopifyPushHarness {
  database: TestDatabase;
  sandbox: ShopifySandbox;
  shop: SeededShop;
  connectionId: string;
  /** The worker that ran the import; its queue is still started. */
  importer: ShopifyPushWorker;
  /** Wires another worker on its own job queue, which the caller starts. */
  startWorker(pushDebounceMs: number): Promise<ShopifyPushWorker>;
  /** Waits until the connection has no pending push and no unfinished run. */
  waitForIdle(): Promise<void>;
  /** Stops every worker's queue, then the events, the sandbox and the database. */
  close(): Promise<void>;
}

/**
 * Seeds `products` into a Shopify Plus shop, inserts an EGDC product with the same level for every
 * variant (so the import leaves nothing to push), connects the shop and waits for the import.
 */
export async function startShopifyPushHarness(options: { tenantId: string; shopDomain: string; products: SeedProduct[] }): Promise<ShopifyPushHarness> {
  const { tenantId, shopDomain } = options;
  const logger = testLogger();
  const workers: ShopifyPushWorker[] = [];
  const database = await createTestDatabase();
  let sandbox: ShopifySandbox | undefined;
  let events: PostgresEvents | undefined;
  const close = async () => {
    for (const worker of workers) await worker.queue.stop({ drainTimeoutMs: 2_000 });
    await events?.close();
    await sandbox?.close();
    await database.close();
  };

  try {
    recordSecret('Shopify client secret', CLIENT_SECRET);
    const startedSandbox = await startShopifySandbox({ apps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI], name: 'EGDC' }], logger });
    sandbox = startedSandbox;
    const shop = startedSandbox.seedShop({ shopDomain, plan: 'plus', products: options.products });

    const connectors = new ConnectorRegistry();
    connectors.register(createShopifyConnector(
      createShopifyConfig({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, endpointForShop: (domain) => startedSandbox.endpointForShop(domain) }),
      { logger },
    ));
    const key = generateKey('k1');
    recordSecret('encryption key (base64)', key.key.toString('base64'));
    const vault = new Vault([key]);
    const startedEvents = await createPostgresEvents({ databaseUrl: database.url, logger });
    events = startedEvents;

    const startWorker = async (pushDebounceMs: number): Promise<ShopifyPushWorker> => {
      const queue = await createJobQueue({ databaseUrl: database.url, logger, processEvery: 200, lockLifetimeMs: 10_000, drainTimeoutMs: 2_000 });
      const scheduler = createSyncScheduler(queue, { pushDebounceMs });
      const deps: SyncDependencies = { orm: database.orm, connectors, vault, events: startedEvents, scheduler, logger };
      defineSyncJobs(queue, deps);
      const worker = { queue, deps, sync: new SyncService({ orm: database.orm, scheduler }) };
      workers.push(worker);
      return worker;
    };

    const em = tenantEntityManager(database.orm, tenantId);
    for (const variant of options.products.flatMap((product) => product.variants)) {
      em.create(Product, {
        tenantId, sku: variant.sku, category: 'Tenis', brand: 'EGDC', model: variant.sku.split('_')[0]!, color: 'NEGRO', size: variant.size, cost: 400,
        stock: variant.available, stockByWarehouse: { egdc: variant.available },
      });
    }
    await em.flush();

    const importer = await startWorker(0);
    const authorization = new AuthorizationService({ orm: database.orm, vault, connectors, events: startedEvents, sync: importer.sync, logger, allowedReturnUrls: [] });
    const start = await authorization.startAuthorization({ tenantId, userId: 'user-1', marketplace: Marketplace.SHOPIFY, shopDomain });
    const state = new URL(start.authorizationUrl).searchParams.get('state') ?? '';
    const { callbackQuery } = startedSandbox.issueAuthorizationCode({ clientId: CLIENT_ID, shopDomain, redirectUri: REDIRECT_URI, state });
    const result = await authorization.completeAuthorization({ marketplace: Marketplace.SHOPIFY, query: callbackQuery });
    if (!result.ok) throw new Error(`Connecting ${shopDomain} failed: ${result.reason}`);
    const connectionId = result.connectionId;
    const waitForIdle = () => waitForConnectionIdle(database.orm, tenantId, connectionId);
    await importer.queue.start();
    await waitForIdle();

    return { database, sandbox: startedSandbox, shop, connectionId, importer, startWorker, waitForIdle, close };
  } catch (error) {
    await close();
    throw error;
  }
}
