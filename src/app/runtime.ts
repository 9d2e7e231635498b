import type { Logger } from 'pino';
import type { Config, Role } from '../config.js';
import { AuthorizationService } from '../connections/authorization.js';
import { ConnectionHealthService } from '../connections/health.js';
import type { ConnectorRegistry } from '../connections/registry.js';
import { openDatabase, type MikroORM } from '../database/orm.js';
import { createPostgresEvents, type PostgresEvents } from '../events/postgres-events.js';
import { createJobQueue, type JobQueue } from '../jobs/queue.js';
import { registerRefreshJobs } from '../jobs/refresh-jobs.js';
import { createSyncScheduler, defineSyncJobs } from '../jobs/sync-jobs.js';
import { resolveJwtSecret } from '../security/development-secret.js';
import { createJwtVerifier } from '../security/jwt.js';
import { processMetrics, usageObserverOf, type Metrics } from '../metrics/index.js';
import { loadVault } from '../security/vault-loader.js';
import type { Vault } from '../security/vault.js';
import { createHttpServer, type HttpServer } from '../server/http-server.js';
import { metricsRoutes } from '../server/metrics-route.js';
import { oauthCallbackRoutes } from '../server/oauth-callback.js';
import { webhookRoutes } from '../server/webhooks.js';
import type { Services } from '../services.js';
import type { SyncDependencies } from '../sync/context.js';
import type { SyncScheduler } from '../sync/scheduling.js';
import { SyncService } from '../sync/sync-service.js';
import { createTrafficControl, trafficSettingsFrom } from '../traffic/index.js';
import { createUsageLog, type UsageLog } from '../usage/index.js';
import type { ResiliencePolicy } from '../connectors/shared/resilience/index.js';
import { createConnectors, type MarketplaceEndpoints } from './connectors.js';
import { resiliencePolicyFromConfig } from './resilience.js';

export interface RuntimeOptions {
  config: Config;
  logger: Logger;
  role: Role;
  databaseUrl: string;
  /** Port to listen on (already chosen, so redirect URIs can name it). */
  port: number;
  /** Base URL marketplaces and browsers reach this service at. */
  publicUrl: string;
  /** Marketplace hosts to use instead of the configured ones (the sandboxes). */
  endpoints?: MarketplaceEndpoints;
}

/** Everything a running process holds; `stop()` releases it in reverse order. */
export interface Runtime {
  orm: MikroORM;
  vault: Vault;
  events: PostgresEvents;
  queue: JobQueue;
  connectors: ConnectorRegistry;
  /** Retries and per-connection circuit breakers of every marketplace call of this process. */
  resilience: ResiliencePolicy;
  scheduler: SyncScheduler;
  services: Services;
  authorization: AuthorizationService;
  syncDependencies: SyncDependencies;
  jwtSecret: string | undefined;
  http: HttpServer | null;
  /** Usage sink for the traffic control; closed (and flushed) by `stop()`. */
  usage: UsageLog;
  metrics: Metrics;
  stop(): Promise<void>;
}

/** Wires storage, events, jobs, connectors, services and (for the api role) the HTTP server. */
export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config, logger, role } = options;
  const orm = await openDatabase(options.databaseUrl, logger.child({ module: 'database' }));
  const vault = await loadVault({ encryptionKeys: config.ENCRYPTION_KEYS, nodeEnv: config.NODE_ENV, dataDir: config.DATA_DIR, logger });
  const events = await createPostgresEvents({ databaseUrl: options.databaseUrl, logger: logger.child({ module: 'events' }) });
  const queue = await createJobQueue({
    databaseUrl: options.databaseUrl,
    mongodbUrl: config.MONGODB_URL,
    logger: logger.child({ module: 'jobs' }),
    concurrency: config.JOB_CONCURRENCY,
    processEvery: config.JOB_POLL_INTERVAL_MS,
  });
  const health = new ConnectionHealthService({ orm, events, logger: logger.child({ module: 'connection-health' }) });
  const resilience = resiliencePolicyFromConfig(config, { health, logger: logger.child({ module: 'resilience' }) });
  const connectors = createConnectors(config, options.publicUrl, logger, options.endpoints, resilience);
  const metrics = processMetrics();
  const usage = createUsageLog({ orm, logger, flushIntervalMs: config.USAGE_FLUSH_INTERVAL_MS, retentionDays: config.USAGE_RETENTION_DAYS, observer: usageObserverOf(metrics) });
  const traffic = createTrafficControl({ databaseUrl: options.databaseUrl, settings: trafficSettingsFrom(config), usage, logger: logger.child({ module: 'traffic' }) });
  const scheduler = createSyncScheduler(queue, { pushDebounceMs: config.STOCK_PUSH_DEBOUNCE_MS });
  const sync = new SyncService({ orm, scheduler });
  const authorization = new AuthorizationService({
    orm,
    vault,
    connectors,
    events,
    sync,
    logger: logger.child({ module: 'authorization' }),
    traffic,
    allowedReturnUrls: config.ALLOWED_RETURN_URLS,
    authorizationExpiryWarningDays: config.AUTHORIZATION_EXPIRY_WARNING_DAYS,
  });
  const services: Services = { connections: authorization, sync, events };
  const syncDependencies: SyncDependencies = { orm, connectors, vault, events, scheduler, traffic, logger: logger.child({ module: 'sync' }) };

  if (role === 'worker' || role === 'all') {
    defineSyncJobs(queue, syncDependencies);
    await registerRefreshJobs(queue, syncDependencies, { marginSeconds: config.TOKEN_REFRESH_MARGIN_SECONDS });
    await queue.start();
    logger.info({ backend: queue.backend }, 'worker started');
  }

  const jwtSecret = await resolveJwtSecret(config, logger);
  let http: HttpServer | null = null;
  if (role === 'api' || role === 'all') {
    const verifier = createJwtVerifier({ secret: jwtSecret, jwksUrl: config.JWT_JWKS_URL, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, logger: logger.child({ module: 'auth' }) });
    http = await createHttpServer({
      orm,
      services,
      auth: verifier,
      logger,
      config: { host: config.HOST, port: options.port, publicUrl: options.publicUrl, exposeStackTraces: config.NODE_ENV === 'development' },
      routes: [
        webhookRoutes({ orm, connectors, scheduler, logger }),
        oauthCallbackRoutes({ authorization, logger }),
        metricsRoutes(metrics.registry),
      ],
    });
    logger.info({ url: http.url, graphqlUrl: http.graphqlUrl }, 'api started');
  }

  return {
    orm, vault, events, queue, connectors, resilience, scheduler, services, authorization, syncDependencies, jwtSecret, http, usage, metrics,
    async stop() {
      await http?.close();
      await queue.stop();
      // Before the usage log: closing settles nothing new, but waits for pending settlements.
      await traffic.close();
      // After the queue: jobs record calls until they end. Before the ORM: the last flush needs it.
      await usage.close();
      // Circuit changes of the last calls still write to the database and publish events.
      await resilience.circuits.settled();
      await events.close();
      await orm.close(true);
      logger.info({ role }, 'stopped');
    },
  };
}
