import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../database/embedded.js';

/** Returns the database URL to use: DATABASE_URL, or an embedded PostgreSQL it starts in the data folder. */
export async function resolveDatabase(config: Config, logger: Logger, options: { dataDir?: string; persistent?: boolean } = {}): Promise<{ url: string; embedded: EmbeddedDatabase | null }> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, embedded: null };
  const dataDir = options.dataDir ?? path.join(config.DATA_DIR, 'postgres');
  logger.info({ dataDir }, 'DATABASE_URL is not set: starting an embedded PostgreSQL');
  const embedded = await startEmbeddedPostgres({ dataDir, port: config.EMBEDDED_POSTGRES_PORT, persistent: options.persistent ?? true, logger });
  return { url: embedded.url, embedded };
}
