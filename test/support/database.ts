import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type MikroORM } from '../../src/database/orm.js';
import { recordTestDatabase } from './secret-ledger.js';

export interface TestDatabase {
  url: string;
  orm: MikroORM;
  close(): Promise<void>;
}

/**
 * Creates an empty database on the run's PostgreSQL, migrated to the current schema. The database
 * stays after `close()`, so the secret-leak check can read its rows at the end of the run.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('postgresAdminUrl');
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  recordTestDatabase(name);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const orm = await openDatabase(url.toString());
  return {
    url: url.toString(),
    orm,
    async close() {
      await orm.close(true);
    },
  };
}
