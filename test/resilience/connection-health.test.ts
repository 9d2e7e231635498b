import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionHealthService } from '../../src/connections/health.js';
import type { ConnectorSession } from '../../src/connectors/shared/index.js';
import { Marketplace } from '../../src/entities/index.js';
import { startTestApi, type TestApi } from '../support/api-server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { expectData, postGraphQL } from '../support/graphql-client.js';
import { testLogger } from '../support/logger.js';
import { seedTenant, type SeededTenant } from '../support/seed-tenant.js';
import { nextEvent, rejectionOf } from './support.js';

const TENANT = 'tenant-health';
const CONNECTION_HEALTH = `query ConnectionHealth($id: ID!) {
  connection(id: $id) { id degraded degradedReason degradedAt }
}`;

interface ConnectionHealthData {
  connection: { id: string; degraded: boolean; degradedReason: string | null; degradedAt: string | null };
}

describe('connection health in the running service', () => {
  let database: TestDatabase;
  let api: TestApi;
  let tenant: SeededTenant;
  let token: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    api = await startTestApi(database);
    tenant = await seedTenant(database.orm, TENANT, { listings: 1 });
    token = await api.token(TENANT);
  });

  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  async function health(): Promise<ConnectionHealthData['connection']> {
    return expectData(await postGraphQL<ConnectionHealthData, { id: string }>(api.graphqlUrl, CONNECTION_HEALTH, { id: tenant.connectionId }, { token })).connection;
  }

  it('shows a connection degraded after its circuit opens', async () => {
    expect(await health()).toMatchObject({ degraded: false, degradedReason: null, degradedAt: null });
    const degradedEvents = api.events.subscribe(TENANT, (event) => event.type === 'CONNECTION_DEGRADED');
    const circuits = api.runtime.resilience.circuits;
    const connector = api.runtime.connectors.get(Marketplace.MERCADOLIBRE);
    // Faults apply before the sandbox checks the token, so any token works here.
    const session: ConnectorSession = { accountId: `seller-${TENANT}`, connectionId: tenant.connectionId, tokens: { getAccessToken: async () => 'APP_USR-unused' }, logger: testLogger() };
    api.sandbox.injectFault({ method: 'GET', path: /^\/items/, status: 503, body: { message: 'Service unavailable', error: 'service_unavailable', status: 503, cause: [] }, times: Infinity });

    // With the default settings (4 attempts per call, 5 failures open the circuit) the second call opens it.
    for (let call = 0; call < 3 && circuits.state(tenant.connectionId) !== 'open'; call += 1) {
      await rejectionOf(connector.readStock(session, [{ externalId: 'MLM1000000001', externalVariantId: null }]));
    }
    api.sandbox.clearFaults();

    expect(circuits.state(tenant.connectionId)).toBe('open');
    const event = await nextEvent(degradedEvents);
    expect(event.connectionId).toBe(tenant.connectionId);
    await circuits.settled();
    const degraded = await health();
    expect(degraded.degraded).toBe(true);
    expect(degraded.degradedReason).toContain('503');
    expect(degraded.degradedAt).not.toBeNull();
    await degradedEvents.return?.();
  });

  it('shows the connection healthy once recovery is recorded', async () => {
    const service = new ConnectionHealthService({ orm: api.runtime.orm, events: api.events, logger: testLogger() });
    await service.markDegraded(tenant.connectionId, 'MercadoLibre GET /items responded 503');

    await service.markRecovered(tenant.connectionId);

    expect(await health()).toMatchObject({ degraded: false, degradedReason: null, degradedAt: null });
  });
});
