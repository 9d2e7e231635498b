import 'reflect-metadata';
import { mkdtemp, rm, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { resolveDatabase } from './app/database.js';
import { startRuntime, type Runtime } from './app/runtime.js';
import { createDevelopmentToken } from './commands/dev-token.js';
import { ConfigError, hasMarketplaceCredentials, loadConfig, type Config } from './config.js';
import { freePort, type EmbeddedDatabase } from './database/embedded.js';
import { DEMO_CATALOG } from './demo/catalog.js';
import { runScenario, type DemoResult, type DemoSummary } from './demo/scenario.js';
import { DEMO_MARKETPLACE_KEYS } from './demo/marketplaces.js';
import { sandboxTrafficConfig, startSandboxes, type Sandboxes } from './demo/sandboxes.js';
import { createLogger } from './logging.js';

const COMMANDS = ['start', 'demo'] as const;
type Command = (typeof COMMANDS)[number];


interface StartedParts {
  runtime: Runtime | null;
  sandboxes: Sandboxes | null;
  database: EmbeddedDatabase | null;
  temporaryDir: string | null;
}

async function main(): Promise<number> {
  const command = (process.argv[2] ?? 'start') as Command;
  if (!COMMANDS.includes(command)) {
    process.stderr.write(`Unknown command "${process.argv[2]}". Use: node dist/main.js [start|demo]\n`);
    return 2;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  const started: StartedParts = { runtime: null, sandboxes: null, database: null, temporaryDir: null };
  // Stops what was started, in reverse order; a second call finds nothing left to stop.
  const shutdown = async (): Promise<void> => {
    const { runtime, sandboxes, database, temporaryDir } = started;
    Object.assign(started, { runtime: null, sandboxes: null, database: null, temporaryDir: null });
    await runtime?.stop().catch((error: unknown) => logger.error({ err: error }, 'stopping the service failed'));
    await sandboxes?.close().catch((error: unknown) => logger.error({ err: error }, 'stopping the sandboxes failed'));
    await database?.stop().catch((error: unknown) => logger.error({ err: error }, 'stopping PostgreSQL failed'));
    if (temporaryDir) await rm(temporaryDir, { recursive: true, force: true });
  };
  // A signal at any point, even during setup, stops everything started so far: a killed process
  // would leave the embedded PostgreSQL running.
  // Ctrl-C in a terminal signals npm and node alike, and npm forwards it again, so later signals
  // must not end the process while it stops.
  const signalled = new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.info({ signal }, 'already stopping');
        return;
      }
      stopping = true;
      logger.info({ signal }, 'stopping');
      resolve(0);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  try {
    if (command === 'demo') {
      const summary = await Promise.race([runDemoCommand(config, logger, started), signalled.then(() => null)]);
      if (summary === null) return 130;
      // The summary is the last line of output, after the shutdown logs.
      await shutdown();
      process.stdout.write(`demo: ${JSON.stringify(summary)}\n`);
      return 0;
    }
    return await Promise.race([runStartCommand(config, logger, started).then(() => signalled), signalled]);
  } catch (error) {
    logger.fatal({ err: error }, `${command} failed`);
    process.stderr.write(`${command} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await shutdown();
  }
}

/** `npm run demo`: the whole job once on fresh storage; returns the summary for the `demo:` line. */
async function runDemoCommand(config: Config, logger: Logger, started: StartedParts): Promise<DemoSummary> {
  if (!config.DATABASE_URL) {
    started.temporaryDir = await mkdtemp(path.join(tmpdir(), 'egdc-demo-'));
    // The embedded PostgreSQL runs as the `postgres` user when started as root.
    await chmod(started.temporaryDir, 0o755);
    config = { ...config, DATA_DIR: started.temporaryDir };
  }
  const tenantId = config.DATABASE_URL ? `demo-${randomBytes(4).toString('hex')}` : 'demo';
  const result = await startWithSandboxes(config, logger, started, { tenantId, persistent: false, orders: 3, stockReports: 10 });
  const mismatches = Object.values(result.marketplaces).filter((outcome) => outcome.stockMismatches > 0);
  if (mismatches.length > 0) {
    throw new Error(`Listings differ between EGDC and the sandboxes after sync: ${mismatches.map((outcome) => `${outcome.name} ${outcome.stockMismatches}`).join(', ')}`);
  }
  const miscounted = Object.values(result.marketplaces).filter((outcome) => outcome.miscountedOrders > 0);
  if (miscounted.length > 0) {
    throw new Error(`Orders changed EGDC stock by more or less than the pairs sold: ${miscounted.map((outcome) => `${outcome.name} ${outcome.miscountedOrders}`).join(', ')}`);
  }
  if (result.eventsReceived === 0) throw new Error('No sync event reached the graphql-ws subscriber');
  return result.summary;
}

/**
 * `npm start`: with no marketplace credentials at all (development), runs against the sandboxes
 * and sets up the demo tenant first; with credentials, only serves.
 */
async function runStartCommand(config: Config, logger: Logger, started: StartedParts): Promise<void> {
  const sandbox = config.SANDBOX === 'on' || (config.SANDBOX === undefined && !hasMarketplaceCredentials(config) && config.NODE_ENV !== 'production');
  if (!sandbox) {
    const database = await resolveDatabase(config, logger);
    started.database = database.embedded;
    const port = config.PORT;
    started.runtime = await startRuntime({ config, logger, role: config.ROLE, databaseUrl: database.url, port, publicUrl: config.PUBLIC_URL ?? `http://${config.HOST}:${port}` });
    return;
  }
  if (config.ROLE !== 'all') throw new Error(`SANDBOX mode runs the api and worker roles together; set ROLE=all (got ${config.ROLE}) or SANDBOX=off.`);
  const result = await startWithSandboxes(config, logger, started, { tenantId: 'demo', persistent: true, orders: 1, stockReports: 3 });
  for (const outcome of Object.values(result.marketplaces)) {
    if (outcome.stockMismatches > 0 || outcome.miscountedOrders > 0) {
      logger.warn({ marketplace: outcome.name, stockMismatches: outcome.stockMismatches, miscountedOrders: outcome.miscountedOrders }, 'the sandbox and EGDC disagree after the setup; the service keeps running');
    }
  }
}

async function startWithSandboxes(
  config: Config,
  logger: Logger,
  started: StartedParts,
  options: { tenantId: string; persistent: boolean; orders: number; stockReports: number },
): Promise<DemoResult> {
  const database = await resolveDatabase(config, logger, { persistent: options.persistent });
  started.database = database.embedded;
  const port = config.PORT === 0 || !options.persistent ? await freePort() : config.PORT;
  const publicUrl = config.PUBLIC_URL ?? `http://${config.HOST}:${port}`;
  const traffic = sandboxTrafficConfig(config);
  started.sandboxes = await startSandboxes({ publicUrl, logger, ...traffic.limits });
  started.runtime = await startRuntime({ config: traffic.config, logger, role: 'all', databaseUrl: database.url, port, publicUrl, endpoints: started.sandboxes.endpoints });
  const http = started.runtime.http!;
  const token = await createDevelopmentToken({ secret: started.runtime.jwtSecret!, tenantId: options.tenantId, userId: 'demo-user', ttl: '8h' });
  const result = await runScenario({
    runtime: started.runtime,
    sandboxes: started.sandboxes,
    logger: logger.child({ module: 'demo' }),
    tenantId: options.tenantId,
    catalogFile: DEMO_CATALOG,
    graphqlUrl: http.graphqlUrl,
    wsUrl: http.wsUrl,
    token,
    orders: options.orders,
    stockReports: options.stockReports,
  });
  process.stdout.write(describeRun(options.tenantId, http.graphqlUrl, token, result));
  return result;
}

/** Formats what `npm start` and `npm run demo` print after the scenario: URLs, the token, and one line per marketplace. */
function describeRun(tenantId: string, graphqlUrl: string, token: string, result: DemoResult): string {
  const outcomes = DEMO_MARKETPLACE_KEYS.map((key) => ({ ...result.marketplaces[key], ...result.summary.marketplaces[key] }));
  const width = Math.max('Development token (8 h):'.length, 'GraphQL (HTTP and graphql-ws):'.length, ...outcomes.map((outcome) => `${outcome.name} sandbox:`.length));
  return [
    '',
    `EGDC integrations is running (tenant "${tenantId}").`,
    `  ${'GraphQL (HTTP and graphql-ws):'.padEnd(width)} ${graphqlUrl}`,
    ...outcomes.map((outcome) => `  ${`${outcome.name} sandbox:`.padEnd(width)} ${outcome.sandboxUrl}`),
    `  ${'Development token (8 h):'.padEnd(width)} ${token}`,
    `What it did: imported ${result.catalogRows} catalog rows (${result.catalogProblems} with problems), then on each marketplace`,
    '  connected the sandbox account through the authorization redirect and synced it:',
    ...outcomes.map((outcome) =>
      `  ${`${outcome.name}:`.padEnd(14)} listed ${count(outcome.listed, 'SKU')}, imported ${count(outcome.listingsImported, 'listing')}, pushed ${count(outcome.stockUpdatesPushed, 'stock update')}, applied ${count(outcome.ordersApplied, 'order')}`),
    `  Published ${result.summary.eventsPublished} events (${result.eventsReceived} received over graphql-ws).`,
    '',
  ].join('\n');
}

function count(value: number, noun: string): string {
  return `${value} ${noun}${value === 1 ? '' : 's'}`;
}

const exitCode = await main();
process.exit(exitCode);
