import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Runtime } from '../app/runtime.js';
import { groupIntoModels, importCatalog, readCatalog } from '../catalog/index.js';
import { tenantEntityManager } from '../database/orm.js';
import { InventoryAdjustment, Listing, ListingPushState, Marketplace, MarketplaceConnection, SyncRun, SyncRunKind, SyncRunStatus } from '../entities/index.js';
import type { MercadoLibreSandbox } from '../sandbox/mercadolibre/index.js';
import { reportLocalStock } from '../sync/local-stock.js';
import { approveInSandbox } from './consent.js';
import { DemoGraphqlClient } from './graphql-client.js';
import { mercadoLibreSeedItems } from './seed.js';
import { waitFor } from './wait.js';

export interface MarketplaceSummary {
  listingsImported: number;
  stockUpdatesPushed: number;
  ordersApplied: number;
}

export interface DemoSummary {
  marketplaces: { mercadolibre: MarketplaceSummary };
  eventsPublished: number;
}

export interface DemoOptions {
  runtime: Runtime;
  sandbox: MercadoLibreSandbox;
  logger: Logger;
  tenantId: string;
  catalogFile: string;
  graphqlUrl: string;
  wsUrl: string;
  token: string;
  /** Seller id in the sandbox; fixed for `npm start` so restarts reconnect the same account. */
  sellerId?: number;
  orders: number;
  stockReports: number;
}

/** Result of a demo run, including the numbers checked before the `demo:` line is printed. */
export interface DemoResult {
  summary: DemoSummary;
  catalogRows: number;
  catalogProblems: number;
  eventsReceived: number;
  connectionId: string;
  stockMismatches: number;
}

/**
 * The main job end to end for one tenant: import EGDC's catalog, list it on the sandbox seller,
 * connect the seller through the real redirect flow, import its listings, push the stock that
 * differs, apply marketplace orders, and push the stock changes EGDC reports afterwards.
 */
export async function runScenario(options: DemoOptions): Promise<DemoResult> {
  const { runtime, sandbox, logger, tenantId } = options;
  const em = () => tenantEntityManager(runtime.orm, tenantId);

  const csv = await readFile(options.catalogFile);
  const report = await importCatalog(em(), tenantId, csv);
  logger.info({ tenantId, rows: report.totalRows, imported: report.imported, problems: report.problems.length }, 'catalog imported');
  const models = groupIntoModels(readCatalog(csv).rows);
  const seller = sandbox.seedSeller({ userId: options.sellerId, nickname: 'ZAPATERIA_EGDC_DEMO', items: mercadoLibreSeedItems(models) });
  logger.info({ sellerId: seller.userId, items: seller.itemIds.length }, 'sandbox seller listed the catalog');

  const client = new DemoGraphqlClient({ graphqlUrl: options.graphqlUrl, wsUrl: options.wsUrl, token: options.token });
  let eventsReceived = 0;
  await client.subscribe('subscription { syncEvents { id type } }', {}, () => { eventsReceived += 1; });

  try {
    const started = await client.request<{ startMarketplaceAuthorization: { authorizationUrl: string } }>(
      'mutation { startMarketplaceAuthorization(marketplace: MERCADOLIBRE) { authorizationUrl expiresAt } }',
    );
    const callback = await approveInSandbox(started.startMarketplaceAuthorization.authorizationUrl, { sellerId: String(seller.userId) });
    if (callback.callbackStatus !== 200) throw new Error(`Authorization callback responded with status ${callback.callbackStatus}`);
    const connection = await waitFor('the MercadoLibre connection', async () =>
      (await em().findOne(MarketplaceConnection, { marketplace: Marketplace.MERCADOLIBRE, externalAccountId: String(seller.userId) })) ?? undefined);
    logger.info({ connectionId: connection.id, sellerId: seller.userId }, 'seller connected through the authorization redirect');

    await waitForImport(em, connection.id);
    await waitForPushes(em, connection.id);

    const ordersBefore = await countOrders(em, connection.id);
    placeOrders(sandbox, seller.userId, await em().find(Listing, { connection: connection.id, remoteStock: { $gt: 0 } }, { limit: options.orders, orderBy: { sku: 'asc' } }));
    await waitFor('orders to be applied', async () => ((await countOrders(em, connection.id)) >= ordersBefore + options.orders ? true : undefined));
    await waitForPushes(em, connection.id);

    await reportStock(runtime, em, options.stockReports);
    await waitForPushes(em, connection.id);
    await waitFor('events to reach the subscriber', async () => (eventsReceived > 0 ? true : undefined), { timeoutMs: 10_000 });

    const summary: DemoSummary = {
      marketplaces: {
        mercadolibre: {
          listingsImported: await em().count(Listing, { connection: connection.id }),
          stockUpdatesPushed: await countPushed(em, connection.id),
          ordersApplied: await countOrders(em, connection.id),
        },
      },
      eventsPublished: runtime.events.published,
    };
    return {
      summary,
      catalogRows: report.totalRows,
      catalogProblems: report.problems.length,
      eventsReceived,
      connectionId: connection.id,
      stockMismatches: await countMismatches(em, sandbox, connection.id),
    };
  } finally {
    await client.close();
  }
}

type EntityManagerFactory = () => ReturnType<typeof tenantEntityManager>;

async function waitForImport(em: EntityManagerFactory, connectionId: string): Promise<void> {
  const run = await waitFor('the listing import', async () => {
    const found = await em().findOne(SyncRun, { connection: connectionId, kind: SyncRunKind.IMPORT, status: { $in: [SyncRunStatus.SUCCEEDED, SyncRunStatus.FAILED] } }, { orderBy: { createdAt: 'desc' } });
    return found ?? undefined;
  });
  if (run.status === SyncRunStatus.FAILED) throw new Error(`Listing import failed: ${run.error ?? 'no error recorded'}`);
}

async function waitForPushes(em: EntityManagerFactory, connectionId: string): Promise<void> {
  await waitFor('pending stock pushes', async () => {
    const pending = await em().count(Listing, { connection: connectionId, pushState: ListingPushState.PENDING_PUSH });
    const running = await em().count(SyncRun, { connection: connectionId, status: { $in: [SyncRunStatus.QUEUED, SyncRunStatus.RUNNING] } });
    return pending === 0 && running === 0 ? true : undefined;
  });
}

function placeOrders(sandbox: MercadoLibreSandbox, sellerId: number, listings: Listing[]): void {
  for (const listing of listings) {
    sandbox.createOrder({ sellerId, lines: [{ itemId: listing.externalId, variationId: Number(listing.externalVariantId), quantity: 1 }] });
  }
}

/** EGDC reports new levels for a few SKUs, as a restock from its warehouses would. */
async function reportStock(runtime: Runtime, em: EntityManagerFactory, count: number): Promise<void> {
  const listings = await em().find(Listing, { sku: { $ne: null }, marketplace: Marketplace.MERCADOLIBRE }, { limit: count, orderBy: { sku: 'desc' } });
  const levels = listings.map((listing) => ({ sku: listing.sku!, stock: (listing.localStock ?? 0) + 2 }));
  const manager = em();
  const result = await reportLocalStock(manager, levels);
  for (const connectionId of result.connectionIds) {
    await runtime.scheduler.pushStock({ tenantId: listings[0]!.tenantId, connectionId });
  }
}

async function countOrders(em: EntityManagerFactory, connectionId: string): Promise<number> {
  const rows = await em().find(InventoryAdjustment, { connection: connectionId, externalOrderId: { $re: '^[^:]+$' } }, { fields: ['externalOrderId'] });
  return new Set(rows.map((row) => row.externalOrderId)).size;
}

async function countPushed(em: EntityManagerFactory, connectionId: string): Promise<number> {
  const runs = await em().find(SyncRun, { connection: connectionId, kind: SyncRunKind.PUSH });
  return runs.reduce((sum, run) => sum + run.writtenCount, 0);
}

/** Listings whose stock in the sandbox differs from EGDC's level: zero when sync converged. */
async function countMismatches(em: EntityManagerFactory, sandbox: MercadoLibreSandbox, connectionId: string): Promise<number> {
  const listings = await em().find(Listing, { connection: connectionId, localStock: { $ne: null } });
  let mismatches = 0;
  for (const listing of listings) {
    const item = sandbox.getItem(listing.externalId);
    const variation = item?.variations.find((candidate) => String(candidate.id) === listing.externalVariantId);
    if (variation?.available_quantity !== listing.localStock) mismatches += 1;
  }
  return mismatches;
}
