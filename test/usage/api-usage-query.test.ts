import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageEntry } from '../../src/connectors/shared/traffic.js';
import { startTestApi, type TestApi } from '../support/api-server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { expectData, postGraphQL, type GraphQLResponse } from '../support/graphql-client.js';
import { seedTenant, type SeededTenant } from '../support/seed-tenant.js';

const QUERY = `query Usage($connectionId: ID!, $from: DateTimeISO!, $to: DateTimeISO!, $granularity: UsageGranularity) {
  apiUsage(connectionId: $connectionId, from: $from, to: $to, granularity: $granularity) {
    connectionId granularity calls throttled errors cost
    buckets { bucketStart endpointClass statusClass calls throttled errors averageLatencyMs maxLatencyMs cost }
  }
}`;

interface UsageData {
  apiUsage: {
    connectionId: string;
    granularity: string;
    calls: number;
    throttled: number;
    errors: number;
    cost: number;
    buckets: Array<{
      bucketStart: string; endpointClass: string; statusClass: string; calls: number; throttled: number; errors: number;
      averageLatencyMs: number; maxLatencyMs: number; cost: number;
    }>;
  };
}

let database: TestDatabase;
let api: TestApi;
let tenantA: SeededTenant;
let tenantB: SeededTenant;
let tokenA: string;

function call(tenant: SeededTenant, at: string, overrides: Partial<UsageEntry> = {}): UsageEntry {
  return {
    marketplace: 'MERCADOLIBRE', tenantId: tenant.tenantId, connectionId: tenant.connectionId, accountId: 'seller',
    endpointClass: 'items.read', status: 200, latencyMs: 100, cost: 1, at: new Date(at), ...overrides,
  };
}

beforeAll(async () => {
  database = await createTestDatabase();
  api = await startTestApi(database);
  tenantA = await seedTenant(database.orm, 'tenant-usage-a', { externalPrefix: 'MLM-UA' });
  tenantB = await seedTenant(database.orm, 'tenant-usage-b', { externalPrefix: 'MLM-UB' });
  tokenA = await api.token(tenantA.tenantId);

  const usage = api.runtime.usage;
  usage.record(call(tenantA, '2026-12-01T10:05:10Z', { latencyMs: 100 }));
  usage.record(call(tenantA, '2026-12-01T10:05:50Z', { latencyMs: 300 }));
  usage.record(call(tenantA, '2026-12-01T10:40:00Z', { latencyMs: 200 }));
  usage.record(call(tenantA, '2026-12-01T10:41:00Z', { status: 429, latencyMs: 20 }));
  usage.record(call(tenantA, '2026-12-01T11:30:00Z', { endpointClass: 'stock.write', status: 503, latencyMs: 1_000, cost: 1 }));
  usage.record(call(tenantA, '2026-12-01T11:31:00Z', { endpointClass: 'stock.write', status: null, latencyMs: 5_000, cost: 1 }));
  usage.record(call(tenantA, '2026-12-02T09:00:00Z', { latencyMs: 50 }));
  usage.record(call(tenantB, '2026-12-01T10:05:00Z', { latencyMs: 999 }));
  await usage.flush();
});

afterAll(async () => {
  await api?.close();
  await database?.close();
});

function queryUsage(variables: Record<string, unknown>, options: { token?: string; language?: string } = {}): Promise<GraphQLResponse<UsageData>> {
  return postGraphQL<UsageData, unknown>(api.graphqlUrl, QUERY, variables, {
    token: options.token ?? tokenA,
    headers: options.language ? { 'accept-language': options.language } : {},
  });
}

describe('apiUsage', () => {
  it('sums calls per hour, endpoint class and status class', async () => {
    const usage = expectData(await queryUsage({ connectionId: tenantA.connectionId, from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z', granularity: 'HOUR' })).apiUsage;

    expect(usage.buckets).toEqual([
      { bucketStart: '2026-12-01T10:00:00.000Z', endpointClass: 'items.read', statusClass: 'HTTP_2XX', calls: 3, throttled: 0, errors: 0, averageLatencyMs: 200, maxLatencyMs: 300, cost: 3 },
      { bucketStart: '2026-12-01T10:00:00.000Z', endpointClass: 'items.read', statusClass: 'HTTP_429', calls: 1, throttled: 1, errors: 0, averageLatencyMs: 20, maxLatencyMs: 20, cost: 1 },
      { bucketStart: '2026-12-01T11:00:00.000Z', endpointClass: 'stock.write', statusClass: 'HTTP_5XX', calls: 1, throttled: 0, errors: 1, averageLatencyMs: 1_000, maxLatencyMs: 1_000, cost: 1 },
      { bucketStart: '2026-12-01T11:00:00.000Z', endpointClass: 'stock.write', statusClass: 'NETWORK', calls: 1, throttled: 0, errors: 1, averageLatencyMs: 5_000, maxLatencyMs: 5_000, cost: 1 },
    ]);
    expect([usage.connectionId, usage.granularity, usage.calls, usage.throttled, usage.errors, usage.cost]).toEqual([tenantA.connectionId, 'HOUR', 6, 1, 2, 6]);
  });

  it('cuts minute and day buckets', async () => {
    const minutes = expectData(await queryUsage({ connectionId: tenantA.connectionId, from: '2026-12-01T10:00:00Z', to: '2026-12-01T11:00:00Z', granularity: 'MINUTE' })).apiUsage;
    expect(minutes.buckets.map((bucket) => [bucket.bucketStart, bucket.statusClass, bucket.calls])).toEqual([
      ['2026-12-01T10:05:00.000Z', 'HTTP_2XX', 2],
      ['2026-12-01T10:40:00.000Z', 'HTTP_2XX', 1],
      ['2026-12-01T10:41:00.000Z', 'HTTP_429', 1],
    ]);

    const days = expectData(await queryUsage({ connectionId: tenantA.connectionId, from: '2026-11-20T00:00:00Z', to: '2026-12-20T00:00:00Z', granularity: 'DAY' })).apiUsage;
    expect(days.buckets.map((bucket) => [bucket.bucketStart, bucket.endpointClass, bucket.statusClass, bucket.calls])).toEqual([
      ['2026-12-01T00:00:00.000Z', 'items.read', 'HTTP_2XX', 3],
      ['2026-12-01T00:00:00.000Z', 'items.read', 'HTTP_429', 1],
      ['2026-12-01T00:00:00.000Z', 'stock.write', 'HTTP_5XX', 1],
      ['2026-12-01T00:00:00.000Z', 'stock.write', 'NETWORK', 1],
      ['2026-12-02T00:00:00.000Z', 'items.read', 'HTTP_2XX', 1],
    ]);
  });

  it('defaults to hours and excludes the end', async () => {
    const usage = expectData(await queryUsage({ connectionId: tenantA.connectionId, from: '2026-12-01T10:05:00Z', to: '2026-12-01T10:41:00Z' })).apiUsage;
    expect(usage.granularity).toBe('HOUR');
    expect(usage.buckets.map((bucket) => [bucket.bucketStart, bucket.statusClass, bucket.calls])).toEqual([['2026-12-01T10:00:00.000Z', 'HTTP_2XX', 3]]);
  });

  it('is NOT_FOUND for another tenant connection', async () => {
    const response = await queryUsage({ connectionId: tenantB.connectionId, from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z' });
    expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND']);
    expect(response.data).toBeNull();
  });

  it('reads only the tenant rows', async () => {
    // A row stored under tenant B for tenant A's connection id can only come from a bug; the tenant filter must hide it.
    await database.orm.em.fork().getConnection().execute(
      `insert into api_usage (id, tenant_id, created_at, updated_at, connection_id, marketplace, bucket_start, endpoint_class, status_class, calls, latency_total_ms, latency_max_ms, cost_total)
       values (gen_random_uuid(), ?, now(), now(), ?, 'MERCADOLIBRE', '2026-12-03T10:00:00Z', 'items.read', '2xx', 7, 70, 10, 7)`,
      [tenantB.tenantId, tenantA.connectionId],
    );
    const usage = expectData(await queryUsage({ connectionId: tenantA.connectionId, from: '2026-12-03T00:00:00Z', to: '2026-12-04T00:00:00Z' })).apiUsage;
    expect(usage.buckets).toEqual([]);
    expect(usage.calls).toBe(0);
  });

  it('rejects an empty or inverted window in both languages', async () => {
    const inverted = { connectionId: tenantA.connectionId, from: '2026-12-02T00:00:00Z', to: '2026-12-01T00:00:00Z' };
    const spanish = await queryUsage(inverted, { language: 'es-MX' });
    expect(spanish.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(spanish.errors?.[0]?.message).toBe('El argumento to (2026-12-01T00:00:00.000Z) debe ser posterior al argumento from (2026-12-02T00:00:00.000Z).');

    const english = await queryUsage({ ...inverted, to: inverted.from }, { language: 'en' });
    expect(english.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(english.errors?.[0]?.message).toBe('Argument to (2026-12-02T00:00:00.000Z) must be later than argument from (2026-12-02T00:00:00.000Z).');
  });

  it('rejects a window that is too long', async () => {
    const days = await queryUsage({ connectionId: tenantA.connectionId, from: '2026-11-01T00:00:00Z', to: '2026-12-02T00:00:01Z', granularity: 'DAY' }, { language: 'en' });
    expect(days.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(days.errors?.[0]?.message).toBe('With granularity DAY the window can last at most 31 days, and 2026-11-01T00:00:00.000Z to 2026-12-02T00:00:01.000Z is longer. Ask for a shorter window.');

    const minutes = await queryUsage({ connectionId: tenantA.connectionId, from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:01:00Z', granularity: 'MINUTE' }, { language: 'es-MX' });
    expect(minutes.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(minutes.errors?.[0]?.message).toBe('Con granularidad MINUTE la ventana puede durar como máximo 24 horas, y de 2026-12-01T00:00:00.000Z a 2026-12-02T00:01:00.000Z es más larga. Pide una ventana más corta o usa la granularidad HOUR.');

    // Exactly the maximum is accepted.
    expectData(await queryUsage({ connectionId: tenantA.connectionId, from: '2026-11-01T00:00:00Z', to: '2026-12-02T00:00:00Z', granularity: 'DAY' }));
  });
});
