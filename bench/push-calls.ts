import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { groupIntoModels, importCatalog, readCatalog } from '../src/catalog/index.js';
import { STOCK_BATCH_MAX } from '../src/connectors/shopify/stock.js';
import { tenantEntityManager } from '../src/database/orm.js';
import { DEMO_ACCOUNTS } from '../src/demo/marketplaces.js';
import { shopifySeedProducts } from '../src/demo/seed.js';
import { Listing, Marketplace, MarketplaceConnection } from '../src/entities/index.js';
import type { RecordedRequest } from '../src/sandbox/shopify/index.js';
import { sessionFor } from '../src/sync/context.js';
import { reportLocalStock } from '../src/sync/local-stock.js';
import { progress, projectRoot, type BenchDatabaseServer } from './support/environment.js';
import { connectAccount, startStack, waitUntilQuiet, waitUntilSynced, type Stack } from './support/stack.js';

const TENANT = 'bench-push';
const CHANGES = 1000;
/** Changes per stock report; EGDC sends its reports back to back, all within the push debounce. */
const CHANGES_PER_REPORT = 10;
const RESTORE_RATE = 100;
/** Restore rate while the catalog is imported and during the baseline, whose figure is a call count, not a time. */
const FAST_RESTORE_RATE = 2000;
const SYNC_TIMEOUT_MS = 180_000;

interface StockChangeEvent {
  sku: string;
  delta: number;
}

interface RequestCounts {
  writes: number;
  reads: number;
  other: number;
}

/**
 * 1,000 stock changes reported by EGDC for one Shopify shop (the 2,012 listed demo SKUs, 100
 * points per second), pushed through the real debounced push path. Calls are the stock requests
 * the sandbox received. Baseline: the same changes each written on its own, without coalescing.
 */
export async function runPushCalls(server: BenchDatabaseServer, logger: Logger): Promise<Record<string, unknown>> {
  progress('push-calls: starting the runtime and the sandboxes');
  const stack = await startStack({
    server,
    label: 'push_calls',
    logger,
    limits: { shopifyRestoreRate: FAST_RESTORE_RATE },
    env: { SHOPIFY_RESTORE_RATE: String(RESTORE_RATE) },
  });
  try {
    const connectionId = await connectShop(stack);
    const em = () => tenantEntityManager(stack.runtime.orm, TENANT);
    const listings = await em().find(Listing, { connection: connectionId, sku: { $ne: null } });
    const levels = new Map(listings.map((listing) => [listing.sku!, listing.localStock ?? 0]));
    const changes = stockChanges([...levels.keys()].sort(), levels);
    const distinctSkus = new Set(changes.map((change) => change.sku)).size;
    const minimum = Math.ceil(distinctSkus / STOCK_BATCH_MAX);

    stack.sandboxes.shopify.setThrottle({ restoreRate: RESTORE_RATE });
    const requests = stack.sandboxes.shopify.requests;
    let from = requests.length;
    const throttledBefore = stack.sandboxes.shopify.throttledCount();
    progress(`push-calls: reporting ${CHANGES} stock changes of ${distinctSkus} SKUs`);
    const started = Date.now();
    const current = new Map(levels);
    for (let index = 0; index < changes.length; index += CHANGES_PER_REPORT) {
      const report = changes.slice(index, index + CHANGES_PER_REPORT).map((change) => {
        const stock = current.get(change.sku)! + change.delta;
        current.set(change.sku, stock);
        return { sku: change.sku, stock };
      });
      const result = await reportLocalStock(em(), report);
      for (const id of result.connectionIds) await stack.runtime.scheduler.pushStock({ tenantId: TENANT, connectionId: id });
    }
    const reportedMs = Date.now() - started;
    await waitUntilSynced(stack, TENANT, connectionId, SYNC_TIMEOUT_MS);
    await waitUntilQuiet(requests, 2000);
    const coalesced = countRequests(requests.slice(from));
    const throttled = stack.sandboxes.shopify.throttledCount() - throttledBefore;
    const netChanged = [...current].filter(([sku, stock]) => levels.get(sku) !== stock).length;
    progress(`push-calls: ${coalesced.writes} writes and ${coalesced.reads} reads for ${distinctSkus} SKUs (minimum ${minimum})`);

    progress('push-calls (baseline): writing each change on its own');
    // The baseline's figure is its write count. Its 1,000 writes would cause 1,000 webhooks, whose
    // follow-up reads are not part of that figure, so the shop stops sending webhooks first.
    muteShopifyWebhooks(stack);
    stack.sandboxes.shopify.setThrottle({ restoreRate: FAST_RESTORE_RATE });
    from = requests.length;
    await writeEachChange(stack, connectionId, changes);
    const baseline = countRequests(requests.slice(from));

    const calls = coalesced.writes + coalesced.reads;
    const met = calls <= 1.1 * minimum;
    progress(`push-calls target (calls <= 1.1 x minimum) met: ${met ? 'yes' : 'no'}`);
    return {
      calls,
      minimum,
      writes: coalesced.writes,
      reads: coalesced.reads,
      otherRequests: coalesced.other,
      throttled,
      changes: CHANGES,
      distinctSkus,
      netChangedSkus: netChanged,
      batchSize: STOCK_BATCH_MAX,
      reportedMs,
      baseline: { coalescing: 'off (one write per change)', calls: baseline.writes + baseline.reads, writes: baseline.writes, reads: baseline.reads, otherRequests: baseline.other },
      targetMet: met,
    };
  } finally {
    await stack.stop();
  }
}

/** Imports the demo catalog, lists its Shopify SKUs on the shop at EGDC's levels and connects the shop. */
async function connectShop(stack: Stack): Promise<string> {
  const csv = await readFile(path.join(projectRoot(), 'data/egdc-catalog.csv'));
  await importCatalog(tenantEntityManager(stack.runtime.orm, TENANT), TENANT, csv);
  const models = groupIntoModels(readCatalog(csv).rows);
  const shopDomain = DEMO_ACCOUNTS.shopifyShopDomain;
  // No stale level: the first import finds every listing in sync, so the measured pushes are the only ones.
  const products = shopifySeedProducts(models, { staleEvery: Number.MAX_SAFE_INTEGER });
  stack.sandboxes.shopify.seedShop({ shopDomain, name: 'Zapatería EGDC Bench', currencyCode: 'MXN', products });
  const connectionId = await connectAccount(stack, { tenantId: TENANT, marketplace: Marketplace.SHOPIFY, accountId: shopDomain, shopDomain });
  await waitUntilSynced(stack, TENANT, connectionId, SYNC_TIMEOUT_MS);
  await waitUntilQuiet(stack.sandboxes.shopify.requests, 2000);
  progress(`push-calls: shop connected with ${products.reduce((sum, product) => sum + product.variants.length, 0)} listed SKUs`);
  return connectionId;
}

/**
 * Builds `CHANGES` changes of one pair up or down, on SKUs picked with a fixed pseudo-random
 * sequence (mulberry32, seed 5), so every run changes the same SKUs. A level never goes below 0.
 */
function stockChanges(skus: string[], levels: Map<string, number>): StockChangeEvent[] {
  let seed = 5;
  const random = (): number => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const current = new Map(levels);
  return Array.from({ length: CHANGES }, () => {
    const sku = skus[Math.floor(random() * skus.length)]!;
    const level = current.get(sku)!;
    const delta = level === 0 || random() < 0.5 ? 1 : -1;
    current.set(sku, level + delta);
    return { sku, delta };
  });
}

/** Sends each change as its own stock write through the connector, from the shop's current levels. */
async function writeEachChange(stack: Stack, connectionId: string, changes: StockChangeEvent[]): Promise<void> {
  const em = tenantEntityManager(stack.runtime.orm, TENANT);
  const connection = await em.findOneOrFail(MarketplaceConnection, { id: connectionId });
  const listings = await em.find(Listing, { connection: connectionId, sku: { $in: [...new Set(changes.map((change) => change.sku))] } });
  const bySku = new Map(listings.map((listing) => [listing.sku!, listing]));
  const session = sessionFor(stack.runtime.syncDependencies, connection);
  const connector = stack.runtime.connectors.get(Marketplace.SHOPIFY);
  const shopLevels = new Map(listings.map((listing) => [listing.sku!, stack.sandboxes.shopify.getAvailable(listing.externalVariantId) ?? 0]));
  let written = 0;
  for (const change of changes) {
    const listing = bySku.get(change.sku)!;
    const expected = shopLevels.get(change.sku)!;
    const quantity = Math.max(0, expected + change.delta);
    const result = await connector.writeStock(session, [{ externalId: listing.externalId, externalVariantId: listing.externalVariantId, quantity, stockHandle: listing.stockHandle, expectedQuantity: expected }]);
    if (result.failed.length > 0) throw new Error(`Baseline stock write for ${change.sku} failed: ${result.failed[0]!.error.message}`);
    shopLevels.set(change.sku, quantity);
    written += 1;
    if (written % 200 === 0) progress(`push-calls (baseline): ${written} of ${changes.length} changes written`);
  }
}

/** Registers the demo Shopify app again without a webhook URL, so the shop stops sending webhooks. */
function muteShopifyWebhooks(stack: Stack): void {
  const app = stack.sandboxes.endpoints.shopify;
  if (!app) throw new Error('The Shopify sandbox endpoints are missing.');
  stack.sandboxes.shopify.addApp({ clientId: app.clientId, clientSecret: app.clientSecret, redirectUris: [`${stack.publicUrl}/oauth/shopify/callback`] });
}

/** Counts the GraphQL requests by operation: stock writes, stock reads, and everything else. */
function countRequests(requests: readonly RecordedRequest[]): RequestCounts {
  const counts: RequestCounts = { writes: 0, reads: 0, other: 0 };
  for (const request of requests) {
    if (!request.path.endsWith('/graphql.json')) continue;
    const operation = typeof request.body === 'object' && request.body !== null && 'operationName' in request.body ? request.body.operationName : undefined;
    if (operation === 'SetAvailableQuantities') counts.writes += 1;
    else if (operation === 'StockLevels') counts.reads += 1;
    else counts.other += 1;
  }
  return counts;
}
