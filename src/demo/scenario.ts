import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Runtime } from '../app/runtime.js';
import { groupIntoModels, importCatalog, readCatalog } from '../catalog/index.js';
import { tenantEntityManager } from '../database/orm.js';
import { Listing, MarketplaceConnection, Product } from '../entities/index.js';
import { reportLocalStock } from '../sync/local-stock.js';
import { approveInSandbox } from './consent.js';
import { DemoGraphqlClient } from './graphql-client.js';
import { DEMO_MARKETPLACE_KEYS, demoMarketplaces, type DemoMarketplace, type DemoMarketplaceKey, type SeededAccount } from './marketplaces.js';
import { countOrders, countPushed, waitForImport, waitForPushes, type EntityManagerFactory } from './progress.js';
import type { Sandboxes } from './sandboxes.js';
import { waitFor } from './wait.js';

export interface MarketplaceSummary {
  listingsImported: number;
  stockUpdatesPushed: number;
  ordersApplied: number;
}

export interface DemoSummary {
  marketplaces: Record<DemoMarketplaceKey, MarketplaceSummary>;
  eventsPublished: number;
}

export interface DemoOptions {
  runtime: Runtime;
  sandboxes: Pick<Sandboxes, DemoMarketplaceKey>;
  logger: Logger;
  tenantId: string;
  catalogFile: string;
  graphqlUrl: string;
  wsUrl: string;
  token: string;
  /** Orders placed on each marketplace. */
  orders: number;
  /** SKUs whose EGDC level changes after the orders, as a stock report from EGDC would. */
  stockReports: number;
}

/** Outcome of the demo on one marketplace, beyond the summary numbers. */
export interface MarketplaceOutcome {
  name: string;
  sandboxUrl: string;
  accountId: string;
  connectionId: string;
  /** SKUs listed on the sandbox: those whose platform flag for the marketplace is TRUE. */
  listed: number;
  /** Listings whose stock on the sandbox differs from EGDC's level at the end: zero when sync converged. */
  stockMismatches: number;
  /** SKUs ordered on this marketplace whose EGDC level did not drop by exactly the one pair sold. */
  miscountedOrders: number;
  /** Sync events of this connection that reached the graphql-ws subscriber. */
  eventsReceived: number;
}

/** Result of a demo run, including the numbers checked before the `demo:` line is printed. */
export interface DemoResult {
  summary: DemoSummary;
  catalogRows: number;
  catalogProblems: number;
  eventsReceived: number;
  marketplaces: Record<DemoMarketplaceKey, MarketplaceOutcome>;
}

interface Connected {
  target: DemoMarketplace;
  account: SeededAccount;
  connectionId: string;
}

/**
 * Runs the main job end to end for one tenant on every marketplace. It imports EGDC's catalog and
 * lists each marketplace's flagged SKUs on its sandbox account. Then it connects each account
 * through the real redirect flow, imports its listings, pushes the stock that differs, applies
 * orders placed on each marketplace, and pushes the stock changes EGDC reports afterwards.
 */
export async function runScenario(options: DemoOptions): Promise<DemoResult> {
  const { runtime, logger, tenantId } = options;
  const em: EntityManagerFactory = () => tenantEntityManager(runtime.orm, tenantId);

  const csv = await readFile(options.catalogFile);
  const report = await importCatalog(em(), tenantId, csv);
  logger.info({ tenantId, rows: report.totalRows, imported: report.imported, problems: report.problems.length }, 'catalog imported');
  const models = groupIntoModels(readCatalog(csv).rows);
  const targets = demoMarketplaces(options.sandboxes);
  const accounts = targets.map((target) => {
    const account = target.seed(models);
    logger.info({ marketplace: target.marketplace, accountId: account.accountId, listed: account.listed }, 'sandbox account listed the catalog');
    return { target, account };
  });

  const client = new DemoGraphqlClient({ graphqlUrl: options.graphqlUrl, wsUrl: options.wsUrl, token: options.token });
  let eventsReceived = 0;
  const eventsByConnection = new Map<string, number>();
  await client.subscribe<{ syncEvents: { connectionId: string } }>('subscription { syncEvents { id type connectionId } }', {}, (data) => {
    eventsReceived += 1;
    eventsByConnection.set(data.syncEvents.connectionId, (eventsByConnection.get(data.syncEvents.connectionId) ?? 0) + 1);
  });

  try {
    const connected: Connected[] = [];
    for (const { target, account } of accounts) {
      connected.push({ target, account, connectionId: await connect(client, em, target, account, logger) });
    }
    await Promise.all(connected.map(async ({ target, connectionId }) => {
      await waitForImport(em, connectionId, target.name);
      await waitForPushes(em, connectionId, target.name);
    }));

    const ordersBefore = await Promise.all(connected.map(({ connectionId }) => countOrders(em, connectionId)));
    const sold = await placeOrders(em, connected, options.orders);
    await Promise.all(connected.map(({ target, connectionId }, index) =>
      waitFor(`${target.name} orders to be applied`, async () => ((await countOrders(em, connectionId)) >= ordersBefore[index]! + options.orders ? true : undefined))));
    await waitForAllPushes(em, connected);
    const miscounted = await countMiscountedOrders(em, sold);

    await reportStock(runtime, em, tenantId, options.stockReports);
    await waitForAllPushes(em, connected);
    await waitFor('events of every connection to reach the subscriber', async () =>
      (connected.every(({ connectionId }) => (eventsByConnection.get(connectionId) ?? 0) > 0) ? true : undefined), { timeoutMs: 10_000 });

    const outcomes = await Promise.all(connected.map(async ({ target, account, connectionId }) => ({
      key: target.key,
      summary: {
        listingsImported: await em().count(Listing, { connection: connectionId }),
        stockUpdatesPushed: await countPushed(em, connectionId),
        ordersApplied: await countOrders(em, connectionId),
      },
      outcome: {
        name: target.name,
        sandboxUrl: target.sandboxUrl,
        accountId: account.accountId,
        connectionId,
        listed: account.listed,
        stockMismatches: await countMismatches(em, target, connectionId, logger),
        miscountedOrders: miscounted.get(target.key) ?? 0,
        eventsReceived: eventsByConnection.get(connectionId) ?? 0,
      },
    })));
    return {
      summary: {
        marketplaces: byKey(outcomes.map(({ key, summary }) => [key, summary])),
        eventsPublished: runtime.events.published,
      },
      catalogRows: report.totalRows,
      catalogProblems: report.problems.length,
      eventsReceived,
      marketplaces: byKey(outcomes.map(({ key, outcome }) => [key, outcome])),
    };
  } finally {
    await client.close();
  }
}

/**
 * Connects one sandbox account the way a merchant would: starts the authorization over GraphQL,
 * approves on the sandbox's consent page and follows the redirect to our callback.
 */
async function connect(client: DemoGraphqlClient, em: EntityManagerFactory, target: DemoMarketplace, account: SeededAccount, logger: Logger): Promise<string> {
  const started = await client.request<{ startMarketplaceAuthorization: { authorizationUrl: string } }>(
    'mutation Start($marketplace: Marketplace!, $shopDomain: String) { startMarketplaceAuthorization(marketplace: $marketplace, shopDomain: $shopDomain) { authorizationUrl expiresAt } }',
    { marketplace: target.marketplace, shopDomain: account.shopDomain ?? null },
  );
  const callback = await approveInSandbox(started.startMarketplaceAuthorization.authorizationUrl, { account: account.consentAccount });
  if (callback.callbackStatus !== 200) {
    const text = callback.callbackHtml.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 300);
    throw new Error(`The ${target.name} authorization callback responded with status ${callback.callbackStatus}: ${text}`);
  }
  const connection = await waitFor(`the ${target.name} connection`, async () =>
    (await em().findOne(MarketplaceConnection, { marketplace: target.marketplace, externalAccountId: account.accountId })) ?? undefined);
  logger.info({ marketplace: target.marketplace, connectionId: connection.id, accountId: account.accountId }, 'account connected through the authorization redirect');
  return connection.id;
}

async function waitForAllPushes(em: EntityManagerFactory, connected: Connected[]): Promise<void> {
  await Promise.all(connected.map(({ target, connectionId }) => waitForPushes(em, connectionId, target.name)));
}

/** A SKU the demo sold one pair of, with EGDC's level before the sale. */
interface Sale {
  key: DemoMarketplaceKey;
  sku: string;
  stockBefore: number;
}

/**
 * Places `count` one-unit orders on each marketplace, on listings in stock there and in EGDC. Each
 * marketplace sells different SKUs, so no order finds its SKU already sold out by another, and
 * each SKU's EGDC level must end one pair lower.
 */
async function placeOrders(em: EntityManagerFactory, connected: Connected[], count: number): Promise<Sale[]> {
  const sales: Sale[] = [];
  const soldSkus = new Set<string>();
  for (const { target, connectionId } of connected) {
    const candidates = await em().find(
      Listing,
      { connection: connectionId, sku: { $ne: null }, remoteStock: { $gt: 0 }, localStock: { $gt: 0 } },
      { orderBy: { sku: 'asc' }, limit: count + soldSkus.size },
    );
    const chosen = candidates.filter((listing) => !soldSkus.has(listing.sku!)).slice(0, count);
    if (chosen.length < count) throw new Error(`${target.name} has ${chosen.length} listings in stock to order from; the demo needs ${count}.`);
    for (const listing of chosen) {
      soldSkus.add(listing.sku!);
      sales.push({ key: target.key, sku: listing.sku!, stockBefore: listing.localStock! });
      target.placeOrder(listing);
    }
  }
  return sales;
}

/** Counts, per marketplace, the sold SKUs whose EGDC level is not one pair below its level before the sale. */
async function countMiscountedOrders(em: EntityManagerFactory, sales: Sale[]): Promise<Map<DemoMarketplaceKey, number>> {
  const products = await em().find(Product, { sku: { $in: sales.map((sale) => sale.sku) } });
  const stockBySku = new Map(products.map((product) => [product.sku, product.stock]));
  const miscounted = new Map<DemoMarketplaceKey, number>();
  for (const sale of sales) {
    if (stockBySku.get(sale.sku) !== sale.stockBefore - 1) miscounted.set(sale.key, (miscounted.get(sale.key) ?? 0) + 1);
  }
  return miscounted;
}

/** EGDC reports two more pairs of the last `count` listed SKUs, as a restock from its warehouses would. */
async function reportStock(runtime: Runtime, em: EntityManagerFactory, tenantId: string, count: number): Promise<void> {
  const listings = await em().find(Listing, { sku: { $ne: null } }, { orderBy: { sku: 'desc' }, limit: count * DEMO_MARKETPLACE_KEYS.length });
  const skus = [...new Set(listings.map((listing) => listing.sku!))].slice(0, count);
  const manager = em();
  const products = await manager.find(Product, { sku: { $in: skus } });
  const result = await reportLocalStock(manager, products.map((product) => ({ sku: product.sku, stock: product.stock + 2 })));
  for (const connectionId of result.connectionIds) {
    await runtime.scheduler.pushStock({ tenantId, connectionId });
  }
}

/** Listings whose stock on the sandbox differs from EGDC's level; logs each with both levels. */
async function countMismatches(em: EntityManagerFactory, target: DemoMarketplace, connectionId: string, logger: Logger): Promise<number> {
  const listings = await em().find(Listing, { connection: connectionId, localStock: { $ne: null } });
  const mismatched = listings.filter((listing) => target.remoteStock(listing) !== listing.localStock);
  for (const listing of mismatched) {
    logger.warn(
      { marketplace: target.marketplace, listingId: listing.id, sku: listing.sku, marketplaceStock: target.remoteStock(listing) ?? null, egdcStock: listing.localStock, recordedRemoteStock: listing.remoteStock, pushState: listing.pushState },
      'listing stock differs between the marketplace and EGDC',
    );
  }
  return mismatched.length;
}

function byKey<T>(entries: Array<[DemoMarketplaceKey, T]>): Record<DemoMarketplaceKey, T> {
  const map = Object.fromEntries(entries) as Partial<Record<DemoMarketplaceKey, T>>;
  for (const key of DEMO_MARKETPLACE_KEYS) {
    if (map[key] === undefined) throw new Error(`The demo has no result for ${key}.`);
  }
  return map as Record<DemoMarketplaceKey, T>;
}
