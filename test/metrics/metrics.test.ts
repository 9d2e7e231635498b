import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageEntry } from '../../src/connectors/shared/traffic.js';
import { tenantEntityManager } from '../../src/database/orm.js';
import { SyncRun, SyncRunKind } from '../../src/entities/index.js';
import { createMetrics } from '../../src/metrics/index.js';
import { finishRun } from '../../src/sync/runs.js';
import { statusClassOf } from '../../src/usage/index.js';
import { startTestApi, type TestApi } from '../support/api-server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { testLogger } from '../support/logger.js';
import { seedTenant, type SeededTenant } from '../support/seed-tenant.js';

function entry(overrides: Partial<UsageEntry> = {}): UsageEntry {
  return {
    marketplace: 'SHOPIFY', tenantId: 'tenant-metrics', connectionId: randomUUID(), accountId: 'zapateria.myshopify.com',
    endpointClass: 'graphql', status: 200, latencyMs: 120, cost: 12, at: new Date(), ...overrides,
  };
}

/** Value of one series in the Prometheus text format, or undefined when the series is absent. */
function seriesValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics', () => {
  it('counts marketplace calls', async () => {
    const metrics = createMetrics({ processMetrics: false });
    for (const status of [200, 200, 429, 503, null]) {
      const call = entry({ status, latencyMs: status === null ? 30_000 : 200 });
      metrics.observeCall(call, statusClassOf(call.status));
    }
    metrics.observeCall(entry({ marketplace: 'MERCADOLIBRE', endpointClass: 'items.read', cost: 1 }), '2xx');
    const text = await metrics.registry.metrics();

    expect(seriesValue(text, 'egdc_marketplace_calls_total{marketplace="SHOPIFY",endpoint_class="graphql",status_class="2xx"}')).toBe(2);
    expect(seriesValue(text, 'egdc_marketplace_calls_total{marketplace="SHOPIFY",endpoint_class="graphql",status_class="429"}')).toBe(1);
    expect(seriesValue(text, 'egdc_marketplace_calls_total{marketplace="SHOPIFY",endpoint_class="graphql",status_class="5xx"}')).toBe(1);
    expect(seriesValue(text, 'egdc_marketplace_calls_total{marketplace="SHOPIFY",endpoint_class="graphql",status_class="network"}')).toBe(1);
    expect(seriesValue(text, 'egdc_marketplace_throttled_total{marketplace="SHOPIFY",endpoint_class="graphql"}')).toBe(1);
    expect(seriesValue(text, 'egdc_marketplace_call_cost_total{marketplace="SHOPIFY"}')).toBe(60);
    expect(seriesValue(text, 'egdc_marketplace_call_cost_total{marketplace="MERCADOLIBRE"}')).toBe(1);
    expect(seriesValue(text, 'egdc_marketplace_call_duration_seconds_count{marketplace="SHOPIFY",endpoint_class="graphql"}')).toBe(5);
    expect(seriesValue(text, 'egdc_marketplace_call_duration_seconds_bucket{le="0.25",marketplace="SHOPIFY",endpoint_class="graphql"}')).toBe(4);
    expect(seriesValue(text, 'egdc_marketplace_call_duration_seconds_sum{marketplace="SHOPIFY",endpoint_class="graphql"}')).toBeCloseTo(30.8);
    expect(text).not.toContain('process_cpu_user_seconds_total');
  });

  it('counts circuit states', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const [first, second, third] = [randomUUID(), randomUUID(), randomUUID()];
    metrics.setCircuitState({ marketplace: 'SHOPIFY', connectionId: first, state: 'open' });
    metrics.setCircuitState({ marketplace: 'SHOPIFY', connectionId: second, state: 'open' });
    metrics.setCircuitState({ marketplace: 'TIKTOK', connectionId: third, state: 'half_open' });
    metrics.setCircuitState({ marketplace: 'SHOPIFY', connectionId: second, state: 'half_open' });
    let text = await metrics.registry.metrics();

    expect(seriesValue(text, 'egdc_marketplace_circuits{marketplace="SHOPIFY",state="open"}')).toBe(1);
    expect(seriesValue(text, 'egdc_marketplace_circuits{marketplace="SHOPIFY",state="half_open"}')).toBe(1);
    expect(seriesValue(text, 'egdc_marketplace_circuits{marketplace="TIKTOK",state="half_open"}')).toBe(1);
    expect(seriesValue(text, 'egdc_marketplace_circuits{marketplace="TIKTOK",state="open"}')).toBe(0);

    metrics.setCircuitState({ marketplace: 'SHOPIFY', connectionId: first, state: 'closed' });
    metrics.setCircuitState({ marketplace: 'SHOPIFY', connectionId: second, state: 'closed' });
    text = await metrics.registry.metrics();
    expect(seriesValue(text, 'egdc_marketplace_circuits{marketplace="SHOPIFY",state="open"}')).toBe(0);
    expect(seriesValue(text, 'egdc_marketplace_circuits{marketplace="SHOPIFY",state="half_open"}')).toBe(0);
    expect(text).not.toContain(first);
  });

  it('counts runs, pushes and webhooks', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.countSyncRun('PUSH', 'SUCCEEDED');
    metrics.countSyncRun('PUSH', 'SUCCEEDED');
    metrics.countStockPush('SHOPIFY', { applied: 150, failed: 0 });
    metrics.countStockPush('SHOPIFY', { applied: 3, failed: 2 });
    metrics.countWebhookDelivery('TIKTOK', 'duplicate');
    const text = await metrics.registry.metrics();

    expect(seriesValue(text, 'egdc_sync_runs_total{kind="PUSH",status="SUCCEEDED"}')).toBe(2);
    expect(seriesValue(text, 'egdc_stock_push_listings_total{marketplace="SHOPIFY",outcome="applied"}')).toBe(153);
    expect(seriesValue(text, 'egdc_stock_push_listings_total{marketplace="SHOPIFY",outcome="failed"}')).toBe(2);
    expect(seriesValue(text, 'egdc_webhook_deliveries_total{marketplace="TIKTOK",outcome="duplicate"}')).toBe(1);
  });
});

describe('GET /metrics', () => {
  let database: TestDatabase;
  let api: TestApi;
  let tenant: SeededTenant;

  beforeAll(async () => {
    database = await createTestDatabase();
    api = await startTestApi(database);
    tenant = await seedTenant(database.orm, 'tenant-metrics-route', { externalPrefix: 'MLM-METRICS' });
  });

  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  async function scrape(): Promise<{ status: number; contentType: string | null; text: string }> {
    const response = await fetch(`${api.url}/metrics`);
    return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
  }

  it('serves process and product metrics', async () => {
    const before = await scrape();
    const callSeries = 'egdc_marketplace_calls_total{marketplace="MERCADOLIBRE",endpoint_class="stock.write",status_class="429"}';
    const startCalls = seriesValue(before.text, callSeries) ?? 0;

    for (let index = 0; index < 3; index += 1) {
      api.runtime.usage.record(entry({ marketplace: 'MERCADOLIBRE', tenantId: tenant.tenantId, connectionId: tenant.connectionId, endpointClass: 'stock.write', status: 429, cost: 1 }));
    }
    const after = await scrape();

    expect(after.status).toBe(200);
    expect(after.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(after.text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(after.text).toContain('# TYPE nodejs_heap_size_used_bytes gauge');
    expect(seriesValue(after.text, callSeries)).toBe(startCalls + 3);
    expect(after.text).not.toContain(tenant.tenantId);
    expect(after.text).not.toContain(tenant.connectionId);
  });

  it('counts finished sync runs', async () => {
    const series = 'egdc_sync_runs_total{kind="RECONCILE",status="FAILED"}';
    const start = seriesValue((await scrape()).text, series) ?? 0;
    const em = tenantEntityManager(database.orm, tenant.tenantId);
    const run = em.create(SyncRun, { tenantId: tenant.tenantId, connection: tenant.connectionId, kind: SyncRunKind.RECONCILE, trigger: 'api' });
    await em.flush();

    await finishRun(em, api.events, testLogger(), run, new Error('reconcile failed on purpose'));

    expect(seriesValue((await scrape()).text, series)).toBe(start + 1);
  });

  it('counts received webhooks by outcome', async () => {
    const series = 'egdc_webhook_deliveries_total{marketplace="MERCADOLIBRE",outcome="unknown_account"}';
    const start = seriesValue((await scrape()).text, series) ?? 0;
    const sent = new Date().toISOString();
    const body = { _id: randomUUID(), resource: '/orders/2000000000000001', user_id: 987654321, topic: 'orders_v2', application_id: 1, attempts: 1, sent, received: sent };

    const response = await fetch(`${api.url}/webhooks/mercadolibre`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    expect(response.status).toBe(200);
    expect(seriesValue((await scrape()).text, series)).toBe(start + 1);
  });
});
