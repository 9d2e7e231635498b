import { setTimeout as sleep } from 'node:timers/promises';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { AuthorizationService, type AuthorizationResult } from '../../src/connections/authorization.js';
import { ConnectorRegistry } from '../../src/connections/registry.js';
import { createMercadoLibreConfig, createMercadoLibreConnector, type MercadoLibreConnectorOptions } from '../../src/connectors/mercadolibre/index.js';
import { tenantEntityManager, type MikroORM } from '../../src/database/orm.js';
import {
  Listing, ListingPushState, Marketplace, MarketplaceConnection, Product, SyncRun, SyncRunKind, SyncRunStatus,
} from '../../src/entities/index.js';
import { createPostgresEvents, type PostgresEvents } from '../../src/events/postgres-events.js';
import { createLogger } from '../../src/logging.js';
import { createJobQueue, type JobQueue } from '../../src/jobs/queue.js';
import { createSyncScheduler, defineSyncJobs } from '../../src/jobs/sync-jobs.js';
import { startMercadoLibreSandbox } from '../../src/sandbox/mercadolibre/index.js';
import type { MercadoLibreSandbox, RecordedRequest, SeedItem } from '../../src/sandbox/mercadolibre/types.js';
import { generateKey, Vault } from '../../src/security/vault.js';
import { keepRawBodies } from '../../src/server/raw-body.js';
import { webhookRoutes } from '../../src/server/webhooks.js';
import type { SyncDependencies } from '../../src/sync/context.js';
import type { SyncScheduler } from '../../src/sync/scheduling.js';
import { SyncService } from '../../src/sync/sync-service.js';
import { captureResponsesFrom } from './capture.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { testLogger } from './logger.js';
import { recordSecret } from './secret-ledger.js';

export const CLIENT_ID = '4444555566667777';
export const CLIENT_SECRET = 'sandbox-client-secret-0123456789';
export const REDIRECT_URI = 'https://integrations.example.test/oauth/mercadolibre/callback';
export const ALLOWED_RETURN_URL = 'https://app.example.test/settings/';

/** testLogger(), or a logger to stdout at SYNC_TEST_LOG_LEVEL (e.g. `warn`) while reading a failure. */
export function harnessLogger(): Logger {
  const level = process.env.SYNC_TEST_LOG_LEVEL;
  return level ? createLogger(level) : testLogger();
}

export interface SyncHarnessOptions {
  /** Item ids per search page of an import; small values make an import span several pages. */
  importPageSize?: number;
  /** Debounce of stock pushes; 0 (the default) enqueues every push at once. */
  pushDebounceMs?: number;
}

/**
 * The real object graph of the sync services for one test file: a fresh PostgreSQL database, the
 * MercadoLibre sandbox, the connector, the vault, LISTEN/NOTIFY events and a started job worker.
 */
export interface SyncHarness {
  db: TestDatabase;
  orm: MikroORM;
  sandbox: MercadoLibreSandbox;
  connectors: ConnectorRegistry;
  vault: Vault;
  events: PostgresEvents;
  queue: JobQueue;
  scheduler: SyncScheduler;
  sync: SyncService;
  authorization: AuthorizationService;
  deps: SyncDependencies;
  /**
   * Seeds a sandbox seller and connects it to `tenantId` through the real authorization flow. Unless
   * `waitForImport` is false, waits for the queued import and the pushes it caused.
   */
  connectSeller(tenantId: string, nickname: string, items: SeedItem[], options?: { waitForImport?: boolean }): Promise<ConnectedSeller>;
  /** Authorizes an already seeded seller for `tenantId`; returns the result as the callback would see it. */
  authorize(tenantId: string, userId: number): Promise<AuthorizationResult>;
  insertProducts(tenantId: string, levels: Array<{ sku: string; stock: number }>): Promise<void>;
  productStock(tenantId: string, sku: string): Promise<number | null>;
  /** Waits until the run reaches SUCCEEDED or FAILED and returns it as stored. */
  waitForRun(tenantId: string, runId: string, timeoutMs?: number): Promise<SyncRun>;
  /**
   * Serves the real webhook routes on 127.0.0.1 and makes the sandbox app send its notifications
   * there. Returns the URL of the MercadoLibre webhook endpoint.
   */
  startWebhookServer(): Promise<string>;
  /** Stops sending sandbox notifications anywhere (the app keeps its other settings). */
  muteNotifications(): void;
  /** Waits until the connection has no listing waiting for a push and no unfinished run. */
  waitForIdle(tenantId: string, connectionId: string, timeoutMs?: number): Promise<void>;
  /** Requests recorded by the sandbox since `from` (an index into `sandbox.requests`). */
  requestsSince(from: number, method?: string, path?: string | RegExp): RecordedRequest[];
  close(): Promise<void>;
}

export interface ConnectedSeller {
  tenantId: string;
  userId: number;
  itemIds: string[];
  connectionId: string;
  /** The import run that the authorization queued. */
  importRunId: string;
}

export async function startSyncHarness(options: SyncHarnessOptions = {}): Promise<SyncHarness> {
  const logger = harnessLogger();
  const db = await createTestDatabase();
  const { orm } = db;
  const sandbox = await startMercadoLibreSandbox({
    apps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI], requirePkce: true }],
    ratePerSecond: 10_000,
    logger,
  });
  const connectorOptions: MercadoLibreConnectorOptions = options.importPageSize ? { importPageSize: options.importPageSize } : {};
  const connectors = new ConnectorRegistry();
  connectors.register(createMercadoLibreConnector(
    createMercadoLibreConfig({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, authBaseUrl: sandbox.url, apiBaseUrl: sandbox.url }),
    connectorOptions,
  ));
  const key = generateKey('k1');
  recordSecret('encryption key (base64)', key.key.toString('base64'));
  recordSecret('encryption key (hex)', key.key.toString('hex'));
  const vault = new Vault([key]);
  const events = await createPostgresEvents({ databaseUrl: db.url, logger });
  const queue = await createJobQueue({ databaseUrl: db.url, logger, processEvery: 200, lockLifetimeMs: 10_000, drainTimeoutMs: 2_000 });
  const scheduler = createSyncScheduler(queue, { pushDebounceMs: options.pushDebounceMs ?? 0 });
  const sync = new SyncService({ orm, scheduler });
  const authorization = new AuthorizationService({ orm, vault, connectors, events, sync, logger, allowedReturnUrls: [ALLOWED_RETURN_URL] });
  const deps: SyncDependencies = { orm, connectors, vault, events, scheduler, logger };
  defineSyncJobs(queue, deps);
  await queue.start();

  async function authorize(tenantId: string, userId: number): Promise<AuthorizationResult> {
    const start = await authorization.startAuthorization({ tenantId, userId: 'user-1', marketplace: Marketplace.MERCADOLIBRE });
    const url = new URL(start.authorizationUrl);
    const state = url.searchParams.get('state') ?? '';
    const codeChallenge = url.searchParams.get('code_challenge') ?? undefined;
    const code = sandbox.issueAuthorizationCode({ clientId: CLIENT_ID, userId, redirectUri: REDIRECT_URI, codeChallenge });
    return authorization.completeAuthorization({ marketplace: Marketplace.MERCADOLIBRE, query: { state, code } });
  }

  async function waitForRun(tenantId: string, runId: string, timeoutMs = 20_000): Promise<SyncRun> {
    return waitFor(
      `sync run ${runId} to finish`,
      () => tenantEntityManager(orm, tenantId).findOneOrFail(SyncRun, { id: runId }),
      (run) => run.status === SyncRunStatus.SUCCEEDED || run.status === SyncRunStatus.FAILED,
      timeoutMs,
    );
  }

  function waitForIdle(tenantId: string, connectionId: string, timeoutMs = 20_000): Promise<void> {
    return waitForConnectionIdle(orm, tenantId, connectionId, timeoutMs);
  }

  let webhookServer: FastifyInstance | null = null;
  let webhookUrl: string | undefined;
  const sandboxApp = (notificationUrl?: string) => ({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI], requirePkce: true, notificationUrl });

  return {
    db, orm, sandbox, connectors, vault, events, queue, scheduler, sync, authorization, deps,
    authorize,
    waitForRun,
    waitForIdle,

    async startWebhookServer() {
      if (!webhookServer) {
        webhookServer = Fastify();
        keepRawBodies(webhookServer);
        await webhookServer.register(webhookRoutes({ orm, connectors, scheduler, logger }));
        await webhookServer.listen({ host: '127.0.0.1', port: 0 });
        const address = webhookServer.server.address();
        if (address === null || typeof address === 'string') throw new Error(`webhook server has no TCP address: ${String(address)}`);
        webhookUrl = `http://127.0.0.1:${address.port}/webhooks/mercadolibre`;
        captureResponsesFrom(webhookUrl);
      }
      sandbox.addApp(sandboxApp(webhookUrl));
      return webhookUrl!;
    },

    muteNotifications() {
      sandbox.addApp(sandboxApp());
    },

    async connectSeller(tenantId, nickname, items, connectOptions = {}) {
      const { userId, itemIds } = sandbox.seedSeller({ nickname, items });
      const result = await authorize(tenantId, userId);
      if (!result.ok) throw new Error(`Connecting seller ${userId} for tenant ${tenantId} failed: ${result.reason}`);
      const em = tenantEntityManager(orm, tenantId);
      const run = await em.findOneOrFail(SyncRun, { connection: result.connectionId, kind: SyncRunKind.IMPORT, trigger: 'authorization' }, { orderBy: { createdAt: 'desc' } });
      if (connectOptions.waitForImport ?? true) {
        await waitForRun(tenantId, run.id);
        await waitForIdle(tenantId, result.connectionId);
      }
      return { tenantId, userId, itemIds, connectionId: result.connectionId, importRunId: run.id };
    },

    async insertProducts(tenantId, levels) {
      const em = tenantEntityManager(orm, tenantId);
      for (const { sku, stock } of levels) {
        em.create(Product, {
          tenantId, sku, category: 'Tenis', brand: 'EGDC', model: sku.split('_')[0] ?? sku, color: 'NEGRO', size: '25', cost: 400,
          stock, stockByWarehouse: { egdc: stock },
        });
      }
      await em.flush();
    },

    async productStock(tenantId, sku) {
      const product = await tenantEntityManager(orm, tenantId).findOne(Product, { sku });
      return product?.stock ?? null;
    },

    requestsSince(from, method, path) {
      return sandbox.requests.slice(from).filter((request) => {
        if (method && request.method !== method) return false;
        if (path === undefined) return true;
        return typeof path === 'string' ? request.path === path : path.test(request.path);
      });
    },

    async close() {
      await webhookServer?.close();
      await queue.stop({ drainTimeoutMs: 2_000 });
      await events.close();
      await sandbox.close();
      await db.close();
    },
  };
}

/** Polls `read` until `done` accepts its value; fails naming `what` and the last value after `timeoutMs`. */
export async function waitFor<T>(what: string, read: () => Promise<T> | T, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await sleep(50);
    last = await read();
  }
  return last;
}

/** Waits until the connection has no listing waiting for a push and no queued or running sync run. */
export async function waitForConnectionIdle(orm: MikroORM, tenantId: string, connectionId: string, timeoutMs = 20_000): Promise<void> {
  await waitFor(
    `connection ${connectionId} to have no pending push and no unfinished run`,
    async () => {
      const em = tenantEntityManager(orm, tenantId);
      const pending = await em.count(Listing, { connection: connectionId, pushState: ListingPushState.PENDING_PUSH });
      const unfinished = await em.count(SyncRun, { connection: connectionId, status: { $in: [SyncRunStatus.QUEUED, SyncRunStatus.RUNNING] } });
      return { pending, unfinished };
    },
    ({ pending, unfinished }) => pending === 0 && unfinished === 0,
    timeoutMs,
  );
}

/** Loads a connection the way a fresh request would, bypassing any cached entity. */
export function loadConnection(orm: MikroORM, tenantId: string, connectionId: string): Promise<MarketplaceConnection> {
  return tenantEntityManager(orm, tenantId).findOneOrFail(MarketplaceConnection, { id: connectionId });
}

/** Footwear items with `sizes` variations each, SKUs `<prefix><n>_<size>`, `stock` units per size. */
export function shoeItems(count: number, prefix: string, sizes: string[], stock: (item: number, size: number) => number): SeedItem[] {
  return Array.from({ length: count }, (_, item) => {
    const model = `${prefix}${String(item).padStart(3, '0')}`;
    return {
      title: `Tenis ${model} Negro`,
      price: 899,
      brand: 'EGDC',
      model,
      variations: sizes.map((size, index) => ({
        sellerSku: `${model}_${size}`, size, color: 'NEGRO', price: 899, availableQuantity: stock(item, index),
      })),
    };
  });
}
