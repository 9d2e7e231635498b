import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { UsageEntry } from '../connectors/shared/traffic.js';
import type { Marketplace } from '../connectors/shared/types.js';
import type { UsageObserver } from '../usage/sink.js';
import type { StatusClass } from '../usage/status-class.js';
import { CircuitStates, REPORTED_CIRCUIT_STATES, type CircuitState } from './circuits.js';

/**
 * Prometheus metrics of one process (prom-client 15).
 *
 * No metric has a tenant or connection label. Tenants are bounded in this product, but one series
 * per tenant, connection, endpoint class and status class would still grow with every connection,
 * and GET /metrics has no tenant check. Per-tenant and per-connection figures are in the `apiUsage`
 * query instead. `endpoint_class` stays bounded because connectors name a few coarse classes.
 */
export interface Metrics {
  registry: Registry;
  /** Counts one settled marketplace call; the usage log calls it for every call it records. */
  observeCall(entry: UsageEntry, statusClass: StatusClass): void;
  /** Sets the circuit breaker state of one connection; `closed` is the default of every connection. */
  setCircuitState(input: { marketplace: Marketplace; connectionId: string; state: CircuitState }): void;
  /** Counts a finished sync run. */
  countSyncRun(kind: string, status: string): void;
  /** Counts the listings one stock push wrote and failed to write. */
  countStockPush(marketplace: Marketplace, counts: { applied: number; failed: number }): void;
  /** Counts one received webhook by what happened to it (such as `accepted`, `duplicate`, `rejected`). */
  countWebhookDelivery(marketplace: Marketplace, outcome: string): void;
}

/** Seconds; marketplace calls take from tens of milliseconds to the client timeout. */
const LATENCY_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Creates the metrics on `registry`, with Node.js process metrics unless `processMetrics` is false. */
export function createMetrics(options: { registry?: Registry; processMetrics?: boolean } = {}): Metrics {
  const registry = options.registry ?? new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const counter = <Label extends string>(name: string, help: string, labelNames: readonly Label[]) =>
    new Counter<Label>({ name, help, labelNames, registers });

  const calls = counter(
    'egdc_marketplace_calls_total',
    'Marketplace API calls by marketplace, endpoint class and status class (2xx, 3xx, 4xx, 429, 5xx, network).',
    ['marketplace', 'endpoint_class', 'status_class'],
  );
  const latency = new Histogram({
    name: 'egdc_marketplace_call_duration_seconds',
    help: 'Duration of marketplace API calls, from sending the request to the end of the response or the failure.',
    labelNames: ['marketplace', 'endpoint_class'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const throttled = counter('egdc_marketplace_throttled_total', 'Marketplace API calls that got a 429 (throttled) response.', ['marketplace', 'endpoint_class']);
  const cost = counter(
    'egdc_marketplace_call_cost_total',
    'Cost of marketplace API calls: Shopify query cost points, 1 per request for the other marketplaces.',
    ['marketplace'],
  );
  const circuits = new CircuitStates();
  new Gauge({
    name: 'egdc_marketplace_circuits',
    help: 'Connections whose circuit breaker is open or half-open; all other connections are closed.',
    labelNames: ['marketplace', 'state'] as const,
    registers,
    collect() {
      this.reset();
      for (const [marketplace, counts] of circuits.countByMarketplace()) {
        for (const state of REPORTED_CIRCUIT_STATES) this.set({ marketplace, state }, counts[state]);
      }
    },
  });
  const syncRuns = counter('egdc_sync_runs_total', 'Finished sync runs by kind and final status.', ['kind', 'status']);
  const stockPushes = counter('egdc_stock_push_listings_total', 'Listings whose stock level a push sent, by outcome (applied or failed).', ['marketplace', 'outcome']);
  const webhooks = counter('egdc_webhook_deliveries_total', 'Received marketplace webhooks by outcome.', ['marketplace', 'outcome']);

  return {
    registry,
    observeCall(entry, statusClass) {
      const labels = { marketplace: entry.marketplace, endpoint_class: entry.endpointClass };
      calls.inc({ ...labels, status_class: statusClass });
      if (Number.isFinite(entry.latencyMs) && entry.latencyMs >= 0) latency.observe(labels, entry.latencyMs / 1000);
      if (statusClass === '429') throttled.inc(labels);
      if (Number.isFinite(entry.cost) && entry.cost > 0) cost.inc({ marketplace: entry.marketplace }, entry.cost);
    },
    setCircuitState(input) {
      circuits.set(input.marketplace, input.connectionId, input.state);
    },
    countSyncRun(kind, status) {
      syncRuns.inc({ kind, status });
    },
    countStockPush(marketplace, counts) {
      if (counts.applied > 0) stockPushes.inc({ marketplace, outcome: 'applied' }, counts.applied);
      if (counts.failed > 0) stockPushes.inc({ marketplace, outcome: 'failed' }, counts.failed);
    },
    countWebhookDelivery(marketplace, outcome) {
      webhooks.inc({ marketplace, outcome });
    },
  };
}

/** Adapts the metrics to the observer port of the usage log, which then feeds the call metrics. */
export function usageObserverOf(metrics: Metrics): UsageObserver {
  return { observeCall: (entry, statusClass) => metrics.observeCall(entry, statusClass) };
}

let processWide: Metrics | null = null;

/**
 * Returns the metrics of this process, created on first use with the Node.js process metrics. Code that
 * has no metrics handed to it (sync runs, webhooks) counts here, and GET /metrics serves them.
 * NOTE: only api processes serve GET /metrics, so the counts of a `worker`-only process are never
 * scraped; its marketplace calls still reach `apiUsage`.
 */
export function processMetrics(): Metrics {
  processWide ??= createMetrics();
  return processWide;
}
