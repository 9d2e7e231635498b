import pg from 'pg';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { z } from 'zod';
import type { CallScope, UsageEntry, UsageSink } from '../../src/connectors/shared/traffic.js';
import { createTrafficControl, type TrafficControlService, type TrafficSettings } from '../../src/traffic/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { testLogger } from '../support/logger.js';

export const SETTINGS: TrafficSettings = {
  shopifyRestoreRate: 100,
  mercadolibreRequestsPerSecond: 5,
  tiktokRequestsPerSecond: 50,
  sheinMinIntervalMs: 200,
  appIds: { MERCADOLIBRE: 'ml-app', SHOPIFY: 'shopify-app', TIKTOK: 'tiktok-app', SHEIN: 'shein-app' },
};

/** One traffic control on its own pool, standing in for one worker process. */
export interface TestProcess {
  traffic: TrafficControlService;
  pool: pg.Pool;
  usage: UsageEntry[];
  close(): Promise<void>;
}

export function startProcess(
  database: TestDatabase,
  settings: Partial<TrafficSettings> = {},
  options: { tenantWeight?: (tenantId: string) => number } = {},
): TestProcess {
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  const usage: UsageEntry[] = [];
  const sink: UsageSink = { record: (entry) => usage.push(entry) };
  const traffic = createTrafficControl({ pool, settings: { ...SETTINGS, ...settings }, usage: sink, logger: testLogger(), ...options });
  return {
    traffic,
    pool,
    usage,
    async close() {
      await traffic.close();
      await pool.end();
    },
  };
}

/** The database of one test file and the processes its tests started through `start`. */
export interface TrafficTestBed {
  /** Available from the file's first test on. */
  readonly database: TestDatabase;
  /** Starts a process that the bed closes after the test. */
  start(settings?: Partial<TrafficSettings>, options?: { tenantWeight?: (tenantId: string) => number }): TestProcess;
}

/**
 * Registers the hooks of a traffic test file: a fresh database for the file, and after each test
 * the processes it started closed and the `truncateAfterEach` tables emptied.
 */
export function useTrafficTestBed(options: { truncateAfterEach?: readonly string[] } = {}): TrafficTestBed {
  let database: TestDatabase | undefined;
  let processes: TestProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterEach(async () => {
    await Promise.all(processes.map((process) => process.close()));
    processes = [];
    if (database && options.truncateAfterEach?.length) {
      const pool = new pg.Pool({ connectionString: database.url, max: 1 });
      await pool.query(`truncate ${options.truncateAfterEach.join(', ')}`);
      await pool.end();
    }
  });

  afterAll(async () => {
    await database?.close();
  });

  return {
    get database() {
      if (!database) throw new Error('The traffic test database is created in beforeAll; use it inside a test or hook.');
      return database;
    },
    start(settings = {}, processOptions = {}) {
      const process = startProcess(this.database, settings, processOptions);
      processes.push(process);
      return process;
    },
  };
}

export function scope(marketplace: CallScope['marketplace'], tenantId: string, accountId = `${tenantId}-account`): CallScope {
  return { marketplace, tenantId, connectionId: `${tenantId}-connection`, accountId };
}

const bucketRowSchema = z.object({
  key: z.string(),
  capacity: z.number(),
  refill_per_second: z.number(),
  tokens: z.number(),
  updated_at: z.date(),
  blocked_until: z.date().nullable(),
  reported_at: z.date().nullable(),
});
export type BucketRow = z.infer<typeof bucketRowSchema>;

export async function bucketRow(pool: pg.Pool, key: string): Promise<BucketRow | undefined> {
  const result = await pool.query('select key, capacity, refill_per_second, tokens, updated_at, blocked_until, reported_at from rate_limit_bucket where key = $1', [key]);
  return result.rows[0] === undefined ? undefined : bucketRowSchema.parse(result.rows[0]);
}

export async function waiterRows(pool: pg.Pool): Promise<Array<{ holder: string; tenant_id: string; waiting: number }>> {
  const result = await pool.query('select holder, tenant_id, waiting from rate_limit_waiter order by tenant_id');
  return z.array(z.object({ holder: z.string(), tenant_id: z.string(), waiting: z.number() })).parse(result.rows);
}
