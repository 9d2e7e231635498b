import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConnectionHealthService } from '../../src/connections/health.js';
import { fetchItem, MercadoLibreClient, type MercadoLibreConfig } from '../../src/connectors/mercadolibre/index.js';
import type { TokenSet } from '../../src/connectors/shared/index.js';
import { ResiliencePolicy } from '../../src/connectors/shared/resilience/index.js';
import { tenantEntityManager } from '../../src/database/orm.js';
import { ConnectionStatus, Marketplace, MarketplaceConnection } from '../../src/entities/index.js';
import { createPostgresEvents, type PostgresEvents } from '../../src/events/postgres-events.js';
import { startMercadoLibreSandbox } from '../../src/sandbox/mercadolibre/index.js';
import type { MercadoLibreSandbox } from '../../src/sandbox/mercadolibre/types.js';
import { connectSeller, footwearItems, sandboxApp, sandboxConfig } from '../connectors/mercadolibre-fixtures.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { testLogger } from '../support/logger.js';
import { nextEvent, rejectionOf } from './support.js';

const TENANT = 'tenant-circuit';
const COOLDOWN_MS = 300;
const THRESHOLD = 3;
const UNAVAILABLE = { message: 'Service unavailable', error: 'service_unavailable', status: 503, cause: [] };

let database: TestDatabase;
let events: PostgresEvents;
let health: ConnectionHealthService;
let sandbox: MercadoLibreSandbox;
let config: MercadoLibreConfig;
let tokens: TokenSet;
let userId: number;
let itemId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  events = await createPostgresEvents({ databaseUrl: database.url, logger: testLogger() });
  health = new ConnectionHealthService({ orm: database.orm, events, logger: testLogger() });
  sandbox = await startMercadoLibreSandbox({ apps: [sandboxApp()], ratePerSecond: 1000, logger: testLogger() });
  config = sandboxConfig(sandbox);
  const seeded = sandbox.seedSeller({ nickname: 'TIENDA_CIRCUITO', items: footwearItems(1, 'CIR') });
  userId = seeded.userId;
  itemId = seeded.itemIds[0] ?? '';
  ({ tokens } = await connectSeller(sandbox, config, userId));
});

beforeEach(() => {
  sandbox.clearFaults();
});

afterAll(async () => {
  await sandbox?.close();
  await events?.close();
  await database?.close();
});

/** Creates a connection row; each test uses its own, so circuits and events of tests stay apart. */
async function newConnection(): Promise<string> {
  const em = tenantEntityManager(database.orm, TENANT);
  const connection = em.create(MarketplaceConnection, {
    tenantId: TENANT,
    marketplace: Marketplace.MERCADOLIBRE,
    externalAccountId: `seller-${Math.random().toString(36).slice(2)}`,
    status: ConnectionStatus.ACTIVE,
  });
  await em.flush();
  return connection.id;
}

async function storedConnection(connectionId: string): Promise<MarketplaceConnection> {
  return tenantEntityManager(database.orm, TENANT).findOneOrFail(MarketplaceConnection, { id: connectionId });
}

/** Builds a policy with one attempt per call, so each call is one request and the circuit count is easy to follow. */
function newPolicy(): ResiliencePolicy {
  return new ResiliencePolicy({ maxAttempts: 1, baseDelayMs: 0, circuitFailureThreshold: THRESHOLD, circuitCooldownMs: COOLDOWN_MS }, { health, logger: testLogger() });
}

function clientFor(policy: ResiliencePolicy, connectionId: string): MercadoLibreClient {
  return new MercadoLibreClient({
    config,
    tokenSource: { getAccessToken: async () => tokens.accessToken },
    connectionId,
    resilience: policy,
    logger: testLogger(),
  });
}

function failPersistently(): void {
  sandbox.injectFault({ method: 'GET', path: `/items/${itemId}`, status: 503, body: UNAVAILABLE, times: Infinity });
}

async function openCircuit(client: MercadoLibreClient): Promise<void> {
  for (let call = 0; call < THRESHOLD; call += 1) await rejectionOf(fetchItem(client, itemId));
}

describe('circuit breaker per connection', () => {
  it('opens on repeated 5xx and stops calling', async () => {
    const connectionId = await newConnection();
    const subscription = events.subscribe(TENANT, (event) => event.connectionId === connectionId && event.type === 'CONNECTION_DEGRADED');
    const policy = newPolicy();
    const client = clientFor(policy, connectionId);
    failPersistently();
    const before = sandbox.requests.length;

    await openCircuit(client);
    const rejected = await Promise.all(Array.from({ length: 5 }, () => rejectionOf(fetchItem(client, itemId))));

    expect(sandbox.requests.length - before).toBe(THRESHOLD);
    expect(policy.circuits.state(connectionId)).toBe('open');
    for (const error of rejected) {
      expect(error).toMatchObject({ kind: 'transient', code: 'circuit_open', retryable: true });
    }
    const event = await nextEvent(subscription);
    expect(event.data?.reason).toContain('503');
    await policy.circuits.settled();
    const stored = await storedConnection(connectionId);
    expect(stored.degraded).toBe(true);
    expect(stored.degradedAt).toBeInstanceOf(Date);
    expect(stored.degradedReason).toContain('3 marketplace calls in a row failed');
    await subscription.return?.();
  });

  it('half-opens after the cooldown and recovers', async () => {
    const connectionId = await newConnection();
    const subscription = events.subscribe(TENANT, (event) => event.connectionId === connectionId && event.type === 'CONNECTION_RECOVERED');
    const policy = newPolicy();
    const client = clientFor(policy, connectionId);
    failPersistently();
    await openCircuit(client);
    sandbox.clearFaults();
    await sleep(COOLDOWN_MS + 50);
    const before = sandbox.requests.length;

    const listings = await fetchItem(client, itemId);

    expect(listings.length).toBeGreaterThan(0);
    expect(sandbox.requests.length - before).toBe(1);
    expect(policy.circuits.state(connectionId)).toBe('closed');
    await nextEvent(subscription);
    await policy.circuits.settled();
    const stored = await storedConnection(connectionId);
    expect(stored.degraded).toBe(false);
    expect(stored.degradedReason).toBeNull();
    await subscription.return?.();
  });

  it('opens again when the test call fails', async () => {
    const connectionId = await newConnection();
    const policy = newPolicy();
    const client = clientFor(policy, connectionId);
    failPersistently();
    await openCircuit(client);
    await sleep(COOLDOWN_MS + 50);
    const before = sandbox.requests.length;

    const testCall = await rejectionOf(fetchItem(client, itemId));
    const afterTest = await rejectionOf(fetchItem(client, itemId));

    expect(testCall).toMatchObject({ kind: 'transient', status: 503 });
    expect(afterTest).toMatchObject({ code: 'circuit_open' });
    expect(sandbox.requests.length - before).toBe(1);
    expect(policy.circuits.state(connectionId)).toBe('open');
    await policy.circuits.settled();
    expect((await storedConnection(connectionId)).degraded).toBe(true);
  });

  it('ignores 4xx answers', async () => {
    const connectionId = await newConnection();
    const policy = newPolicy();
    const client = clientFor(policy, connectionId);
    const before = sandbox.requests.length;

    for (let call = 0; call < THRESHOLD * 2; call += 1) {
      expect(await rejectionOf(fetchItem(client, 'MLM9999999999'))).toMatchObject({ kind: 'not_found' });
    }

    expect(sandbox.requests.length - before).toBe(THRESHOLD * 2);
    expect(policy.circuits.state(connectionId)).toBe('closed');
    await policy.circuits.settled();
    expect((await storedConnection(connectionId)).degraded).toBe(false);
  });

  it('keeps circuits of connections apart', async () => {
    const failing = await newConnection();
    const healthy = await newConnection();
    const policy = newPolicy();
    failPersistently();
    await openCircuit(clientFor(policy, failing));
    sandbox.clearFaults();

    const listings = await fetchItem(clientFor(policy, healthy), itemId);

    expect(listings.length).toBeGreaterThan(0);
    expect(policy.circuits.state(failing)).toBe('open');
    expect(policy.circuits.state(healthy)).toBe('closed');
  });

  it('clears a mark left by an earlier process', async () => {
    const connectionId = await newConnection();
    await health.markDegraded(connectionId, 'left by a process that stopped');
    expect((await storedConnection(connectionId)).degraded).toBe(true);
    const policy = newPolicy();

    await fetchItem(clientFor(policy, connectionId), itemId);

    await policy.circuits.settled();
    expect((await storedConnection(connectionId)).degraded).toBe(false);
  });
});
