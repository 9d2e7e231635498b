import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { pino, type Logger } from 'pino';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/database/embedded.js';

/** Writes one progress line to stderr; stdout is kept for the `bench NAME: {json}` lines. */
export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Logger for the product and the sandboxes: errors only, to stderr, so logs never mix with the result line. */
export function benchLogger(): Logger {
  return pino({ level: 'error' }, pino.destination(2));
}

/**
 * Returns the project folder, found from this module's path: the nearest folder above it whose package.json
 * is this project's. The source and the compiled file sit at different depths.
 */
export function projectRoot(): string {
  for (let folder = path.dirname(fileURLToPath(import.meta.url)); ; folder = path.dirname(folder)) {
    const manifest = path.join(folder, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'egdc-integrations') return folder;
    if (path.dirname(folder) === folder) throw new Error(`No egdc-integrations package.json found above ${fileURLToPath(import.meta.url)}.`);
  }
}

/** A PostgreSQL server on which each benchmark creates its own empty databases. */
export interface BenchDatabaseServer {
  /** Creates an empty database and returns its URL; the product's migrations run when the runtime opens it. */
  createDatabase(label: string): Promise<string>;
  /** Folder for data files of this run (encryption key, JWT secret); removed by `stop()`. */
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * Starts an embedded PostgreSQL in a fresh temporary folder, or uses the server of DATABASE_URL
 * when it is set (its user must be allowed to create databases).
 */
export async function startDatabaseServer(logger: Logger): Promise<BenchDatabaseServer> {
  const temporary = await mkdtemp(path.join(tmpdir(), 'egdc-bench-'));
  // Run as root, PostgreSQL runs as the `postgres` user, which must reach the data folder.
  await chmod(temporary, 0o755);
  let embedded: EmbeddedDatabase | null = null;
  let adminUrl = process.env.DATABASE_URL;
  try {
    if (!adminUrl) {
      progress(`starting an embedded PostgreSQL in ${temporary}`);
      embedded = await startEmbeddedPostgres({ dataDir: path.join(temporary, 'postgres'), persistent: false, logger });
      adminUrl = embedded.url;
    } else {
      progress('using the PostgreSQL server of DATABASE_URL');
    }
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
  const serverUrl = adminUrl;

  return {
    dataDir: temporary,
    async createDatabase(label) {
      const name = `bench_${label.replace(/[^a-z0-9]/g, '_')}_${randomBytes(3).toString('hex')}`;
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      try {
        await admin.query(`create database ${name}`);
      } catch (error) {
        throw new Error(`Creating the benchmark database ${name} failed; the DATABASE_URL user needs the CREATEDB privilege.`, { cause: error });
      } finally {
        await admin.end();
      }
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async stop() {
      await embedded?.stop();
      await rm(temporary, { recursive: true, force: true });
    },
  };
}
