import { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { ormOptions, tenantEntityManager } from '../src/database/orm.js';
import { Product } from '../src/entities/index.js';
import { reportLocalStock } from '../src/sync/local-stock.js';
import { runStockPush } from '../src/sync/push-stock.js';
import { jainIndex } from './jain.js';
import { progress, type BenchDatabaseServer } from './support/environment.js';
import { itemIdOf, seedConnectedSeller, type SeededSeller } from './support/sellers.js';
import { muteMercadoLibreNotifications, startStack, waitUntilQuiet, waitUntilSynced, type Stack } from './support/stack.js';
import { firstComeFirstServed } from './support/traffic.js';

const RATE = 5;
const SETUP_RATE = 1000;
const TENANTS = 10;
/** Items to push per light tenant; each costs a GET and a PUT. */
const LIGHT_ITEMS = 5;
/** The heavy tenant sells through this many seller accounts, which push at the same time. */
const HEAVY_ACCOUNTS = 4;
const HEAVY_ITEMS = LIGHT_ITEMS * 10;
const SYNC_TIMEOUT_MS = 180_000;

interface VariantResult {
  jain: number;
  /** Requests per tenant while every tenant still had requests to send; the heavy tenant first. */
  grants: number[];
  windowMs: number;
  totalRequests: number;
  throttled: number;
}

/**
 * Ten tenants push stock through one MercadoLibre application (5 requests per second). One tenant
 * has 10 times the backlog of each other, spread over 4 seller accounts whose pushes run at the
 * same time. Jain's index is taken over the requests each tenant got until the first tenant ran
 * out of work. Baseline: the same limiter granting first come, first served.
 */
export async function runFairness(server: BenchDatabaseServer, logger: Logger): Promise<Record<string, unknown>> {
  const fair = await runVariant(server, logger, 'round-robin');
  const baseline = await runVariant(server, logger, 'first-come');
  const met = fair.jain >= 0.95;
  progress(`fairness target (Jain's index >= 0.95) met: ${met ? 'yes' : 'no'}`);
  return { jain: fair.jain, grants: fair.grants, windowMs: fair.windowMs, totalRequests: fair.totalRequests, throttled: fair.throttled, baseline: { grant: 'first come, first served', ...baseline }, targetMet: met };
}

async function runVariant(server: BenchDatabaseServer, logger: Logger, variant: 'round-robin' | 'first-come'): Promise<VariantResult> {
  progress(`fairness (${variant}): starting the runtime and the sandboxes`);
  const stack = await startStack({
    server,
    label: `fairness_${variant}`,
    logger,
    // Token requests of the authorization are not budgeted by the limiter, so while earlier sellers
    // import, a 5 per second sandbox rejects some of them. The sandbox gets its real limit once
    // every seller is connected; the limiter runs at 5 per second throughout.
    limits: { mercadolibreRatePerSecond: SETUP_RATE },
    env: { MERCADOLIBRE_REQUESTS_PER_SECOND: String(RATE), STOCK_PUSH_DEBOUNCE_MS: '0' },
  });
  try {
    muteMercadoLibreNotifications(stack);
    const deps = stack.runtime.syncDependencies;
    if (variant === 'first-come') deps.traffic = firstComeFirstServed(deps.traffic!);

    const tenantIds = Array.from({ length: TENANTS }, (_, index) => `tenant-${index}`);
    const sellers: SeededSeller[] = [];
    for (const [index, tenantId] of tenantIds.entries()) {
      const accounts = index === 0 ? HEAVY_ACCOUNTS : 1;
      const items = index === 0 ? HEAVY_ITEMS / HEAVY_ACCOUNTS : LIGHT_ITEMS;
      for (let account = 0; account < accounts; account += 1) {
        sellers.push(await seedConnectedSeller(stack, tenantId, `T${index}A${account}`, items));
      }
    }
    await Promise.all(sellers.map((seller) => waitUntilSynced(stack, seller.tenantId, seller.connectionId, SYNC_TIMEOUT_MS)));
    stack.sandboxes.mercadolibre.setRatePerSecond(RATE);
    progress(`fairness (${variant}): ${sellers.length} sellers connected and imported; reporting new stock levels`);

    for (const tenantId of tenantIds) await raiseStock(stack, tenantId);
    const requests = stack.sandboxes.mercadolibre.requests;
    const from = requests.length;
    // Every connection's push starts at once, as workers with enough job slots would run them. A
    // push holds one database connection for its lock and uses a second one, so 13 pushes need a
    // larger pool than the runtime's 10 connections.
    const pushOrm = await MikroORM.init({ ...ormOptions(stack.databaseUrl), pool: { min: 0, max: 4 * sellers.length } });
    try {
      const pushDeps = { ...deps, orm: pushOrm };
      await Promise.all(sellers.map((seller) => runStockPush(pushDeps, { tenantId: seller.tenantId, connectionId: seller.connectionId, trigger: 'bench' })));
    } finally {
      await pushOrm.close(true);
    }
    await Promise.all(sellers.map((seller) => waitUntilSynced(stack, seller.tenantId, seller.connectionId, SYNC_TIMEOUT_MS)));
    await waitUntilQuiet(requests, 1000);

    const tenantOfItem = new Map(sellers.flatMap((seller) => seller.itemIds.map((itemId) => [itemId, seller.tenantId] as const)));
    const pushRequests = requests.slice(from).flatMap((request) => {
      const tenantId = tenantOfItem.get(itemIdOf(request.path) ?? '');
      return tenantId ? [{ tenantId, at: request.at, status: request.status }] : [];
    });
    // The window ends with the last request of the tenant that finished first.
    const windowEnd = Math.min(...tenantIds.map((tenantId) => Math.max(...pushRequests.filter((request) => request.tenantId === tenantId).map((request) => request.at))));
    const inWindow = pushRequests.filter((request) => request.at <= windowEnd);
    const grants = tenantIds.map((tenantId) => inWindow.filter((request) => request.tenantId === tenantId).length);
    const result = {
      jain: Math.round(jainIndex(grants) * 1000) / 1000,
      grants,
      windowMs: windowEnd - pushRequests[0]!.at,
      totalRequests: pushRequests.length,
      throttled: pushRequests.filter((request) => request.status === 429).length,
    };
    progress(`fairness (${variant}): Jain's index ${result.jain}, requests per tenant in the window ${grants.join(', ')}`);
    return result;
  } finally {
    await stack.stop();
  }
}

/** EGDC reports 3 more pairs of every product of the tenant, so every listing waits for a push. */
async function raiseStock(stack: Stack, tenantId: string): Promise<void> {
  const em = tenantEntityManager(stack.runtime.orm, tenantId);
  const products = await em.find(Product, {});
  await reportLocalStock(em, products.map((product) => ({ sku: product.sku, stock: product.stock + 3 })));
}
