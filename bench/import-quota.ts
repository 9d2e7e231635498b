import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { groupIntoModels, importCatalog, readCatalog } from '../src/catalog/index.js';
import { tenantEntityManager } from '../src/database/orm.js';
import { demoMarketplaces } from '../src/demo/marketplaces.js';
import { SyncRun, SyncRunKind } from '../src/entities/index.js';
import { SHOPIFY_BUCKET_SECONDS } from '../src/traffic/index.js';
import { progress, projectRoot, type BenchDatabaseServer } from './support/environment.js';
import { connectAccount, startStack, waitUntilQuiet, waitUntilSynced, type Stack } from './support/stack.js';
import { CallTally, talliedTraffic } from './support/traffic.js';

const SHOPIFY_RESTORE_RATE = 100;
const MERCADOLIBRE_RATE = 5;
const TENANT = 'bench-import';
const SYNC_TIMEOUT_MS = 300_000;
/** Gaps between two requests longer than this count as time with no call waiting. */
const IDLE_GAP_MS = 1000;

interface Request {
  at: number;
  status: number;
}

interface ShopifyFigures {
  ratio: number;
  throttled: number;
  elapsedMs: number;
  totalCost: number;
  /** Points in the shop's bucket when the window starts: full, because nothing spent them since the authorization. */
  initialBucket: number;
  minimumMs: number;
  /** Elapsed time over total cost / restore rate, without crediting the initial bucket. */
  ratioFullCost: number;
  requests: number;
  idleGapsMs: number;
}

interface MercadoLibreFigures {
  ratio: number;
  throttled: number;
  elapsedMs: number;
  requests: number;
  /** Accepted requests / rate. Requests rejected with 429 did no work, so they do not lower the minimum. */
  minimumMs: number;
  idleGapsMs: number;
}

interface VariantResult {
  /** The listing import runs, which the target is about. */
  shopify: ShopifyFigures;
  mercadolibre: MercadoLibreFigures;
  /** The whole first sync: the import, the stock pushes it found and the webhook follow-ups. */
  fullSync: { shopify: ShopifyFigures; mercadolibre: MercadoLibreFigures };
  listings: { shopify: number; mercadolibre: number };
  /** THROTTLED responses the Shopify sandbox counted over the whole run, as a check of `throttled`. */
  shopifySandboxThrottled: number;
}

/**
 * Runs the first sync of the 2,400-SKU demo catalog on Shopify (100 points per second) and on
 * MercadoLibre (5 requests per second) at once, through the real runtime and job queue: the
 * listing import, then the stock pushes it finds. Runs with the limiter, then with it off.
 */
export async function runImportQuota(server: BenchDatabaseServer, logger: Logger): Promise<Record<string, unknown>> {
  const limited = await runVariant(server, logger, 'limited');
  const baseline = await runVariant(server, logger, 'unlimited');
  const met = limited.shopify.ratio <= 1.1 && limited.shopify.throttled === 0 && limited.mercadolibre.ratio <= 1.1 && limited.mercadolibre.throttled === 0;
  progress(`import-quota target (import ratio <= 1.1 and no throttled response on both) met: ${met ? 'yes' : 'no'}`);
  return {
    shopify: limited.shopify,
    mercadolibre: limited.mercadolibre,
    fullSync: limited.fullSync,
    listings: limited.listings,
    shopifySandboxThrottled: limited.shopifySandboxThrottled,
    baseline: {
      limiter: 'off (429/THROTTLED retries only)',
      shopify: baseline.shopify,
      mercadolibre: baseline.mercadolibre,
      fullSync: baseline.fullSync,
      shopifySandboxThrottled: baseline.shopifySandboxThrottled,
    },
    targetMet: met,
  };
}

async function runVariant(server: BenchDatabaseServer, logger: Logger, variant: 'limited' | 'unlimited'): Promise<VariantResult> {
  progress(`import-quota (${variant}): starting the runtime and the sandboxes`);
  const stack = await startStack({
    server,
    label: `import_${variant}`,
    logger,
    limits: { shopifyRestoreRate: SHOPIFY_RESTORE_RATE, mercadolibreRatePerSecond: MERCADOLIBRE_RATE },
    env: { SHOPIFY_RESTORE_RATE: String(SHOPIFY_RESTORE_RATE), MERCADOLIBRE_REQUESTS_PER_SECOND: String(MERCADOLIBRE_RATE), STOCK_PUSH_DEBOUNCE_MS: '0' },
  });
  try {
    const tally = new CallTally();
    const deps = stack.runtime.syncDependencies;
    deps.traffic = talliedTraffic(variant === 'limited' ? (deps.traffic ?? null) : null, tally);

    const csv = await readFile(path.join(projectRoot(), 'data/egdc-catalog.csv'));
    await importCatalog(tenantEntityManager(stack.runtime.orm, TENANT), TENANT, csv);
    const models = groupIntoModels(readCatalog(csv).rows);
    const targets = demoMarketplaces(stack.sandboxes);
    const shopify = targets.find((target) => target.key === 'shopify')!;
    const mercadolibre = targets.find((target) => target.key === 'mercadolibre')!;
    const shopAccount = shopify.seed(models);
    const sellerAccount = mercadolibre.seed(models);
    progress(`import-quota (${variant}): listed ${shopAccount.listed} SKUs on Shopify and ${sellerAccount.listed} on MercadoLibre`);

    const shopRequests = stack.sandboxes.shopify.requests;
    const sellerRequests = stack.sandboxes.mercadolibre.requests;
    const [shopConnection, sellerConnection] = await Promise.all([
      connectAccount(stack, { tenantId: TENANT, marketplace: shopify.marketplace, accountId: shopAccount.accountId, shopDomain: shopAccount.shopDomain }),
      connectAccount(stack, { tenantId: TENANT, marketplace: mercadolibre.marketplace, accountId: sellerAccount.accountId, consentAccount: sellerAccount.consentAccount }),
    ]);
    // Requests before this point belong to the authorization, which does not go through the sync jobs.
    const shopFrom = shopRequests.length;
    const sellerFrom = sellerRequests.length;
    progress(`import-quota (${variant}): both accounts connected; waiting for the imports and pushes`);

    await Promise.all([
      waitUntilSynced(stack, TENANT, shopConnection, SYNC_TIMEOUT_MS),
      waitUntilSynced(stack, TENANT, sellerConnection, SYNC_TIMEOUT_MS),
    ]);
    await waitUntilQuiet(shopRequests, 1500);
    await waitUntilQuiet(sellerRequests, 1500);

    const shopSync = shopRequests.slice(shopFrom).filter((request) => request.path.endsWith('/graphql.json'));
    const sellerSync = sellerRequests.slice(sellerFrom).filter((request) => request.appClientId !== undefined);
    const shopImport = await importRunSpan(stack, shopConnection);
    const sellerImport = await importRunSpan(stack, sellerConnection);
    const during = (span: { from: number; to: number }) => (entry: { at: number }) => entry.at >= span.from && entry.at <= span.to;
    const shopCalls = tally.calls.filter((call) => call.connectionId === shopConnection);

    const result: VariantResult = {
      shopify: shopifyFigures(shopSync.filter(during(shopImport)), shopCalls.filter(during(shopImport))),
      mercadolibre: mercadoLibreFigures(sellerSync.filter(during(sellerImport))),
      fullSync: { shopify: shopifyFigures(shopSync, shopCalls), mercadolibre: mercadoLibreFigures(sellerSync) },
      listings: { shopify: shopAccount.listed, mercadolibre: sellerAccount.listed },
      shopifySandboxThrottled: stack.sandboxes.shopify.throttledCount(),
    };
    progress(`import-quota (${variant}): import Shopify ${JSON.stringify(result.shopify)}, MercadoLibre ${JSON.stringify(result.mercadolibre)}`);
    progress(`import-quota (${variant}): full sync ${JSON.stringify(result.fullSync)}`);
    return result;
  } finally {
    await stack.stop();
  }
}

/** Start and end of the connection's listing import run, in epoch milliseconds. */
async function importRunSpan(stack: Stack, connectionId: string): Promise<{ from: number; to: number }> {
  const run = await tenantEntityManager(stack.runtime.orm, TENANT).findOneOrFail(SyncRun, { connection: connectionId, kind: SyncRunKind.IMPORT }, { orderBy: { createdAt: 'desc' } });
  if (!run.startedAt || !run.finishedAt) throw new Error(`Import run ${run.id} has no start or end time (status ${run.status}).`);
  return { from: run.startedAt.getTime(), to: run.finishedAt.getTime() };
}

function shopifyFigures(requests: readonly Request[], calls: readonly { cost: number }[]): ShopifyFigures {
  const elapsed = spanMs(requests);
  const cost = calls.reduce((sum, call) => sum + call.cost, 0);
  const initialBucket = SHOPIFY_RESTORE_RATE * SHOPIFY_BUCKET_SECONDS;
  const minimum = (Math.max(0, cost - initialBucket) / SHOPIFY_RESTORE_RATE) * 1000;
  return {
    ratio: round(elapsed / minimum),
    // Shopify responds to a throttled query with HTTP 200, a THROTTLED error and a null actual cost.
    throttled: throttledIn(calls),
    elapsedMs: elapsed,
    totalCost: Math.round(cost),
    initialBucket,
    minimumMs: Math.round(minimum),
    ratioFullCost: round(elapsed / ((cost / SHOPIFY_RESTORE_RATE) * 1000)),
    requests: requests.length,
    idleGapsMs: idleGapsMs(requests),
  };
}

function mercadoLibreFigures(requests: readonly Request[]): MercadoLibreFigures {
  const elapsed = spanMs(requests);
  const accepted = requests.filter((request) => request.status !== 429).length;
  const minimum = (accepted / MERCADOLIBRE_RATE) * 1000;
  return {
    ratio: round(elapsed / minimum),
    throttled: requests.length - accepted,
    elapsedMs: elapsed,
    requests: requests.length,
    minimumMs: Math.round(minimum),
    idleGapsMs: idleGapsMs(requests),
  };
}

/** Calls the marketplace charged nothing for: throttled queries, which did not run. */
function throttledIn(calls: readonly { cost: number }[]): number {
  return calls.filter((call) => call.cost === 0).length;
}

/** Milliseconds from the first to the last request. */
function spanMs(requests: readonly { at: number }[]): number {
  if (requests.length === 0) throw new Error('The sandbox received no request in the measured window, so there is nothing to time.');
  return requests.at(-1)!.at - requests[0]!.at;
}

/** Sum of the gaps between consecutive requests that are longer than IDLE_GAP_MS. */
function idleGapsMs(requests: readonly { at: number }[]): number {
  let idle = 0;
  for (let index = 1; index < requests.length; index += 1) {
    const gap = requests[index]!.at - requests[index - 1]!.at;
    if (gap > IDLE_GAP_MS) idle += gap;
  }
  return idle;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
