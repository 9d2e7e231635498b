import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { startRuntime, type Runtime } from '../../src/app/runtime.js';
import { loadConfig, type Config, type Role } from '../../src/config.js';
import { freePort } from '../../src/database/embedded.js';
import { tenantEntityManager } from '../../src/database/orm.js';
import { approveInSandbox } from '../../src/demo/consent.js';
import { startSandboxes, type SandboxLimits, type Sandboxes } from '../../src/demo/sandboxes.js';
import { waitFor } from '../../src/demo/wait.js';
import { Listing, ListingPushState, type Marketplace, MarketplaceConnection, Product, SyncRun, SyncRunKind, SyncRunStatus } from '../../src/entities/index.js';
import type { BenchDatabaseServer } from './environment.js';

/** The real runtime on a fresh database, with the four sandboxes at the given limits. */
export interface Stack {
  runtime: Runtime;
  sandboxes: Sandboxes;
  config: Config;
  databaseUrl: string;
  publicUrl: string;
  stop(): Promise<void>;
}

export interface StackOptions {
  server: BenchDatabaseServer;
  /** Names the database and the data folder. */
  label: string;
  logger: Logger;
  limits: SandboxLimits;
  /** Configuration variables on top of the benchmark defaults. */
  env?: Record<string, string>;
  /** Default `all`; `api` runs no job worker in this process. */
  role?: Role;
}

/** Starts the sandboxes and the product's composition root (`startRuntime`), as `npm start` does. */
export async function startStack(options: StackOptions): Promise<Stack> {
  const { logger } = options;
  const databaseUrl = await options.server.createDatabase(options.label);
  const dataDir = path.join(options.server.dataDir, options.label);
  await mkdir(dataDir, { recursive: true });
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, JOB_POLL_INTERVAL_MS: '100', ...options.env });
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const sandboxes = await startSandboxes({ publicUrl, logger, ...options.limits });
  let runtime: Runtime;
  try {
    runtime = await startRuntime({ config, logger, role: options.role ?? 'all', databaseUrl, port, publicUrl, endpoints: sandboxes.endpoints });
  } catch (error) {
    await sandboxes.close();
    throw error;
  }
  return {
    runtime,
    sandboxes,
    config,
    databaseUrl,
    publicUrl,
    async stop() {
      await runtime.stop();
      await sandboxes.close();
    },
  };
}

/**
 * Connects a sandbox account to `tenantId` the way a merchant does: starts the authorization,
 * approves it on the sandbox's consent page and follows the redirect to the runtime's callback.
 * The callback queues the connection's first listing import. Returns the connection id.
 */
export async function connectAccount(
  stack: Stack,
  input: { tenantId: string; marketplace: Marketplace; accountId: string; consentAccount?: string; shopDomain?: string },
): Promise<string> {
  const start = await stack.runtime.authorization.startAuthorization({ tenantId: input.tenantId, userId: 'bench-user', marketplace: input.marketplace, shopDomain: input.shopDomain ?? null });
  const callback = await approveInSandbox(start.authorizationUrl, { account: input.consentAccount });
  if (callback.callbackStatus !== 200) {
    const text = callback.callbackHtml.replace(/<style[\s\S]*?<\/style>/g, ' ').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 300);
    throw new Error(`Connecting ${input.marketplace} account ${input.accountId} failed: the callback responded with status ${callback.callbackStatus}: ${text}`);
  }
  const connection = await waitFor(`the ${input.marketplace} connection of account ${input.accountId}`, async () =>
    (await tenantEntityManager(stack.runtime.orm, input.tenantId).findOne(MarketplaceConnection, { marketplace: input.marketplace, externalAccountId: input.accountId })) ?? undefined);
  return connection.id;
}

/**
 * Waits until the connection's last import succeeded, no listing waits for a push and no run is
 * queued or running. Fails after `timeoutMs` naming what was still open.
 */
export async function waitUntilSynced(stack: Stack, tenantId: string, connectionId: string, timeoutMs: number): Promise<void> {
  const em = () => tenantEntityManager(stack.runtime.orm, tenantId);
  let last = '';
  try {
    await waitFor(`connection ${connectionId} to finish its sync`, async () => {
      const latestImport = await em().findOne(SyncRun, { connection: connectionId, kind: SyncRunKind.IMPORT }, { orderBy: { createdAt: 'desc' } });
      const pending = await em().count(Listing, { connection: connectionId, pushState: ListingPushState.PENDING_PUSH });
      const unfinished = await em().count(SyncRun, { connection: connectionId, status: { $in: [SyncRunStatus.QUEUED, SyncRunStatus.RUNNING] } });
      last = `import ${latestImport?.status ?? 'none'}, ${pending} listings waiting for a push, ${unfinished} runs unfinished`;
      const imported = latestImport === null || latestImport.status === SyncRunStatus.SUCCEEDED;
      return imported && pending === 0 && unfinished === 0 ? true : undefined;
    }, { timeoutMs, intervalMs: 100 });
  } catch (error) {
    throw new Error(`Connection ${connectionId} of tenant ${tenantId} did not finish its sync within ${timeoutMs} ms (${last}).`, { cause: error });
  }
}

/** Waits until `requests` has received nothing new for `quietMs`, so late webhooks and retries are counted too. */
export async function waitUntilQuiet(requests: readonly { at: number }[], quietMs: number, timeoutMs = 60_000): Promise<void> {
  await waitFor('the sandbox to receive no more requests', async () => {
    const lastAt = requests.at(-1)?.at ?? 0;
    return Date.now() - lastAt >= quietMs ? true : undefined;
  }, { timeoutMs, intervalMs: 100 });
}

/** Inserts one product per SKU for `tenantId`, as a catalog import from EGDC would. */
export async function insertProducts(stack: Stack, tenantId: string, levels: Array<{ sku: string; model: string; size: string; stock: number }>): Promise<void> {
  const em = tenantEntityManager(stack.runtime.orm, tenantId);
  for (const level of levels) {
    em.create(Product, {
      tenantId, sku: level.sku, category: 'Tenis', brand: 'EGDC', model: level.model, color: 'NEGRO', size: level.size, cost: 400,
      stock: level.stock, stockByWarehouse: { egdc: level.stock },
    });
  }
  await em.flush();
}

/** Registers the demo MercadoLibre app again without a notification URL, so stock writes cause no notification traffic. */
export function muteMercadoLibreNotifications(stack: Stack): void {
  const app = stack.sandboxes.endpoints.mercadolibre;
  if (!app) throw new Error('The MercadoLibre sandbox endpoints are missing.');
  stack.sandboxes.mercadolibre.addApp({ clientId: app.clientId, clientSecret: app.clientSecret, redirectUris: [`${stack.publicUrl}/oauth/mercadolibre/callback`] });
}
