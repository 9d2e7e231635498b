import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageEntry } from '../../src/connectors/shared/traffic.js';
import { openDatabase, tenantEntityManager, type MikroORM } from '../../src/database/orm.js';
import { ApiUsage, ConnectionStatus, Marketplace, MarketplaceConnection } from '../../src/entities/index.js';
import { createUsageLog, minuteStart, type UsageLog } from '../../src/usage/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { testLogger } from '../support/logger.js';

const TENANT = 'tenant-usage';
const DAY_MS = 86_400_000;

let database: TestDatabase;
/** A second ORM on the same database, standing in for a second process. */
let secondOrm: MikroORM;
let connectionId: string;
const logs: UsageLog[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  secondOrm = await openDatabase(database.url);
  connectionId = await createConnection(`seller-${TENANT}`);
});

afterAll(async () => {
  for (const log of logs) await log.close();
  await secondOrm?.close(true);
  await database?.close();
});

async function createConnection(externalAccountId: string): Promise<string> {
  const em = tenantEntityManager(database.orm, TENANT);
  const connection = em.create(MarketplaceConnection, {
    tenantId: TENANT, marketplace: Marketplace.SHOPIFY, externalAccountId, status: ConnectionStatus.ACTIVE, scopes: [],
  });
  await em.flush();
  return connection.id;
}

/** Creates a log that flushes only on flush() or close(), because its timer interval is an hour. */
function usageLog(orm: MikroORM, retentionDays = 90): UsageLog {
  const log = createUsageLog({ orm, logger: testLogger(), flushIntervalMs: 3_600_000, retentionDays });
  logs.push(log);
  return log;
}

function entry(overrides: Partial<UsageEntry>): UsageEntry {
  return {
    marketplace: 'SHOPIFY', tenantId: TENANT, connectionId, accountId: 'zapateria.myshopify.com',
    endpointClass: 'graphql', status: 200, latencyMs: 100, cost: 10, at: new Date('2026-12-05T10:15:30Z'),
    ...overrides,
  };
}

async function storedRows(id = connectionId): Promise<ApiUsage[]> {
  return tenantEntityManager(database.orm, TENANT).find(ApiUsage, { connection: id }, { orderBy: { bucketStart: 'asc', endpointClass: 'asc', statusClass: 'asc' } });
}

function summary(rows: ApiUsage[]) {
  return rows.map((row) => ({
    bucketStart: row.bucketStart.toISOString(), endpointClass: row.endpointClass, statusClass: row.statusClass,
    calls: row.calls, latencyTotalMs: row.latencyTotalMs, latencyMaxMs: row.latencyMaxMs, costTotal: row.costTotal,
  }));
}

describe('usage log', () => {
  it('sums two processes into one row per minute and class', async () => {
    const first = usageLog(database.orm);
    const second = usageLog(secondOrm);
    const at = new Date('2026-12-05T10:15:30Z');

    for (let index = 0; index < 50; index += 1) first.record(entry({ at, latencyMs: 100, cost: 10 }));
    for (let index = 0; index < 30; index += 1) second.record(entry({ at: new Date(at.getTime() + 20_000), latencyMs: 300, cost: 2 }));
    await Promise.all([first.flush(), second.flush()]);
    // A second flush of each adds to the same row instead of inserting another one.
    first.record(entry({ at, latencyMs: 900, cost: 1 }));
    second.record(entry({ at, latencyMs: 50, cost: 1 }));
    await Promise.all([first.flush(), second.flush()]);

    expect(summary(await storedRows())).toEqual([{
      bucketStart: '2026-12-05T10:15:00.000Z', endpointClass: 'graphql', statusClass: '2xx',
      calls: 82, latencyTotalMs: 50 * 100 + 30 * 300 + 900 + 50, latencyMaxMs: 900, costTotal: 50 * 10 + 30 * 2 + 2,
    }]);
  });

  it('splits calls by minute, endpoint class and status class', async () => {
    const id = await createConnection('seller-classes');
    const log = usageLog(database.orm);
    const at = new Date('2026-12-05T11:00:59.999Z');
    const statuses: Array<[number | null, string]> = [[201, '2xx'], [304, '3xx'], [404, '4xx'], [429, '429'], [503, '5xx'], [null, 'network'], [99, 'network']];
    for (const [status] of statuses) log.record(entry({ connectionId: id, status, at, endpointClass: 'stock.write', latencyMs: 10, cost: 1 }));
    log.record(entry({ connectionId: id, at: new Date('2026-12-05T11:01:00.000Z'), endpointClass: 'stock.write', latencyMs: 10, cost: 1 }));
    log.record(entry({ connectionId: id, at, endpointClass: 'items.read', latencyMs: 10, cost: 1 }));
    await log.close();

    const rows = summary(await storedRows(id));
    expect(rows.map((row) => [row.bucketStart, row.endpointClass, row.statusClass, row.calls])).toEqual([
      ['2026-12-05T11:00:00.000Z', 'items.read', '2xx', 1],
      ['2026-12-05T11:00:00.000Z', 'stock.write', '2xx', 1],
      ['2026-12-05T11:00:00.000Z', 'stock.write', '3xx', 1],
      ['2026-12-05T11:00:00.000Z', 'stock.write', '429', 1],
      ['2026-12-05T11:00:00.000Z', 'stock.write', '4xx', 1],
      ['2026-12-05T11:00:00.000Z', 'stock.write', '5xx', 1],
      ['2026-12-05T11:00:00.000Z', 'stock.write', 'network', 2],
      ['2026-12-05T11:01:00.000Z', 'stock.write', '2xx', 1],
    ]);
  });

  it('keeps the sums when storing fails', async () => {
    const id = await createConnection('seller-outage');
    const log = usageLog(database.orm);
    const connection = database.orm.em.fork().getConnection();
    log.record(entry({ connectionId: id, latencyMs: 40, cost: 3 }));

    await connection.execute('alter table api_usage rename to api_usage_offline');
    try {
      await log.flush();
    } finally {
      await connection.execute('alter table api_usage_offline rename to api_usage');
    }
    expect(await storedRows(id)).toEqual([]);

    log.record(entry({ connectionId: id, latencyMs: 60, cost: 3 }));
    await log.flush();
    expect(summary(await storedRows(id)).map((row) => [row.calls, row.latencyTotalMs, row.latencyMaxMs, row.costTotal])).toEqual([[2, 100, 60, 6]]);
  });

  it('drops the calls of a deleted connection only', async () => {
    const kept = await createConnection('seller-kept');
    const removed = await createConnection('seller-removed');
    const log = usageLog(database.orm);
    log.record(entry({ connectionId: kept }));
    log.record(entry({ connectionId: removed }));
    await tenantEntityManager(database.orm, TENANT).nativeDelete(MarketplaceConnection, { id: removed });

    await log.flush();

    expect((await storedRows(kept)).map((row) => row.calls)).toEqual([1]);
    expect(await database.orm.em.fork().getConnection().execute('select count(*)::int as rows from api_usage where connection_id = ?', [removed])).toEqual([{ rows: 0 }]);
  });

  it('ignores entries it cannot store without throwing', async () => {
    const id = await createConnection('seller-odd-input');
    const log = usageLog(database.orm);

    expect(() => log.record(entry({ connectionId: 'not-a-uuid' }))).not.toThrow();
    expect(() => log.record(entry({ connectionId: id, at: new Date(Number.NaN) }))).not.toThrow();
    log.record(entry({ connectionId: id, latencyMs: Number.NaN, cost: -5 }));
    log.record(entry({ connectionId: id, latencyMs: 20, cost: Number.POSITIVE_INFINITY }));
    await log.flush();

    expect(summary(await storedRows(id)).map((row) => [row.calls, row.latencyTotalMs, row.latencyMaxMs, row.costTotal])).toEqual([[2, 20, 20, 0]]);
  });

  it('deletes minutes older than the retention', async () => {
    const id = await createConnection('seller-retention');
    const log = usageLog(database.orm, 30);
    const now = Date.now();
    log.record(entry({ connectionId: id, at: new Date(now - 31 * DAY_MS) }));
    log.record(entry({ connectionId: id, at: new Date(now - 29 * DAY_MS) }));

    // The first flush stores both minutes and then deletes those older than 30 days.
    await log.flush();

    expect((await storedRows(id)).map((row) => row.bucketStart.toISOString())).toEqual([minuteStart(new Date(now - 29 * DAY_MS)).toISOString()]);
  });
});
