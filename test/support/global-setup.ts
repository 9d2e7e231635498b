import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/database/embedded.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Server URL whose database is only used to create one database per test file. */
    postgresAdminUrl: string;
  }
}

/**
 * Starts one real PostgreSQL for the whole run: TEST_DATABASE_URL when set, otherwise an embedded
 * server in a fresh temporary folder that is removed afterwards.
 */
export default async function setup(project: TestProject) {
  const external = process.env.TEST_DATABASE_URL;
  if (external) {
    project.provide('postgresAdminUrl', external);
    return;
  }
  const parent = await mkdtemp(path.join(tmpdir(), 'egdc-test-pg-'));
  // PostgreSQL runs as the `postgres` user when the suite runs as root, so it must reach the folder.
  await chmod(parent, 0o755);
  const dataDir = path.join(parent, 'data');
  const database = await startEmbeddedPostgres({ dataDir, persistent: false });
  project.provide('postgresAdminUrl', database.url);
  return async () => {
    await database.stop();
  };
}
