import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { startRuntime, type Runtime } from '../../src/app/runtime.js';
import { createDevelopmentToken } from '../../src/commands/dev-token.js';
import { loadConfig } from '../../src/config.js';
import { freePort } from '../../src/database/embedded.js';
import { startSandboxes, type Sandboxes } from '../../src/demo/sandboxes.js';
import type { PostgresEvents } from '../../src/events/postgres-events.js';
import type { MercadoLibreSandbox } from '../../src/sandbox/mercadolibre/index.js';
import type { Services } from '../../src/services.js';
import { captureResponsesFrom } from './capture.js';
import type { TestDatabase } from './database.js';
import { testLogger } from './logger.js';
import { recordSecret } from './secret-ledger.js';

export interface TestApiOptions {
  /** Runs with NODE_ENV=development, which adds stack traces to GraphQL errors. */
  exposeStackTraces?: boolean;
  /** Logger for the whole runtime; testLogger() by default. */
  logger?: Logger;
  /** More configuration variables, such as ALLOWED_RETURN_URLS; a variable given here replaces the test default of the same name. */
  env?: Record<string, string>;
}

/** The real runtime (role `all`) on a test database, served on 127.0.0.1 with the four marketplace sandboxes. */
export interface TestApi {
  runtime: Runtime;
  url: string;
  graphqlUrl: string;
  wsUrl: string;
  /** The runtime's services: AuthorizationService, SyncService and the LISTEN/NOTIFY events. */
  services: Services;
  events: PostgresEvents;
  /** The JWT secret the runtime verifies tokens with. */
  secret: string;
  /** The MercadoLibre sandbox, which most API tests use. */
  sandbox: MercadoLibreSandbox;
  sandboxes: Sandboxes;
  /** Signs a valid HS256 token for `tenantId`, with `sub` set unless `userId` is null. */
  token(tenantId: string, userId?: string | null): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts the composition root the `all` role runs in production: database, vault, events, job
 * worker, connectors and HTTP server. DATA_DIR is a fresh temporary folder, so the JWT secret and
 * the encryption key are generated for this instance and removed by `close()`.
 */
export async function startTestApi(database: TestDatabase, options: TestApiOptions = {}): Promise<TestApi> {
  const logger = options.logger ?? testLogger();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'egdc-test-api-'));
  const config = loadConfig({
    NODE_ENV: options.exposeStackTraces ? 'development' : 'test',
    DATA_DIR: dataDir,
    JOB_POLL_INTERVAL_MS: '200',
    ...options.env,
  });
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;

  let sandboxes: Sandboxes | undefined;
  let runtime: Runtime | undefined;
  try {
    sandboxes = await startSandboxes({ publicUrl, logger, mercadolibreRatePerSecond: 1_000 });
    runtime = await startRuntime({ config, logger, role: 'all', databaseUrl: database.url, port, publicUrl, endpoints: sandboxes.endpoints });
  } catch (error) {
    await sandboxes?.close();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }

  const started = runtime;
  const startedSandboxes = sandboxes;
  async function close(): Promise<void> {
    await started.stop();
    await startedSandboxes.close();
    await rm(dataDir, { recursive: true, force: true });
  }

  const { http, jwtSecret } = runtime;
  if (!http || !jwtSecret) {
    await close();
    throw new Error(`The runtime started without an HTTP server or a JWT secret (role all, NODE_ENV=${config.NODE_ENV}).`);
  }
  await recordRuntimeSecrets(dataDir, jwtSecret);
  captureResponsesFrom(http.url);
  return {
    runtime,
    url: http.url,
    graphqlUrl: http.graphqlUrl,
    wsUrl: http.wsUrl,
    services: runtime.services,
    events: runtime.events,
    secret: jwtSecret,
    sandbox: sandboxes.mercadolibre,
    sandboxes,
    token: async (tenantId, userId = 'user-1') => {
      const token = await createDevelopmentToken({ secret: jwtSecret, tenantId, userId: userId ?? undefined });
      recordSecret('API bearer token (JWT)', token);
      return token;
    },
    close,
  };
}

/** Adds the JWT secret and the encryption key a runtime generated in its `dataDir` to the secret ledger. */
export async function recordRuntimeSecrets(dataDir: string, jwtSecret: string): Promise<void> {
  recordSecret('JWT secret', jwtSecret);
  // The development key file contains `keyId:base64key`, the ENCRYPTION_KEYS format. It is missing
  // when the configuration set ENCRYPTION_KEYS, which no test support does.
  let keyRing: string;
  try {
    keyRing = (await readFile(path.join(dataDir, 'encryption-key'), 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const entry of keyRing.split(',')) {
    const encoded = entry.slice(entry.indexOf(':') + 1);
    recordSecret('encryption key (base64)', encoded);
    recordSecret('encryption key (hex)', Buffer.from(encoded, 'base64').toString('hex'));
  }
}
