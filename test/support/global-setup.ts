import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/database/embedded.js';
import { formatLeakReport, runLeakCheck } from './leak-check.js';
import { SECRET_CHECK_DIR_VARIABLE } from './secret-ledger.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Server URL whose database is only used to create one database per test file. */
    postgresAdminUrl: string;
  }
}

/**
 * Starts one real PostgreSQL for the whole run: TEST_DATABASE_URL when set, otherwise an embedded
 * server in a fresh temporary folder that is removed afterwards. Also prepares the secret-leak
 * check, which runs after the last test file and fails the run when a secret leaked.
 */
export default async function setup(project: TestProject) {
  const checkDir = await mkdtemp(path.join(tmpdir(), 'egdc-secret-check-'));
  // Workers and the child processes they start inherit the environment.
  process.env[SECRET_CHECK_DIR_VARIABLE] = checkDir;

  const external = process.env.TEST_DATABASE_URL;
  if (external) {
    project.provide('postgresAdminUrl', external);
    return async () => {
      await checkSecrets(checkDir, external);
    };
  }
  const parent = await mkdtemp(path.join(tmpdir(), 'egdc-test-pg-'));
  // PostgreSQL runs as the `postgres` user when the suite runs as root, so it must reach the folder.
  await chmod(parent, 0o755);
  const dataDir = path.join(parent, 'data');
  const database = await startEmbeddedPostgres({ dataDir, persistent: false });
  project.provide('postgresAdminUrl', database.url);
  return async () => {
    try {
      await checkSecrets(checkDir, database.url);
    } finally {
      await database.stop();
      await rm(parent, { recursive: true, force: true });
    }
  };
}

/**
 * Runs the secret-leak check and prints its report. A leak sets a failing exit code, because
 * vitest reports an error thrown by a global teardown but still exits with 0. The check folder,
 * with the test logs, is removed after a clean check unless EGDC_SECRET_CHECK_KEEP=1.
 */
async function checkSecrets(checkDir: string, postgresAdminUrl: string): Promise<void> {
  let failed = true;
  try {
    const result = await runLeakCheck(checkDir, postgresAdminUrl);
    failed = result.leaks.length > 0;
    const report = formatLeakReport(result, checkDir);
    if (failed) console.error(report);
    else console.log(report);
  } finally {
    if (failed) process.exitCode = 1;
    else if (process.env.EGDC_SECRET_CHECK_KEEP === '1') console.log(`secret-leak check: logs, captures and ledger kept in ${checkDir}`);
    else await rm(checkDir, { recursive: true, force: true });
  }
}
