import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantEntityManager } from '../../src/database/orm.js';
import { Marketplace, SyncRun, SyncRunStatus } from '../../src/entities/index.js';
import { startTestApi, type TestApi } from '../support/api-server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { expectData, postGraphQL } from '../support/graphql-client.js';
import { shoeItems, waitFor } from '../support/sync-harness.js';

const TENANT = 'tenant-usage-e2e';

interface UsageData {
  apiUsage: { calls: number; errors: number; throttled: number; cost: number; buckets: Array<{ endpointClass: string; statusClass: string; calls: number }> };
}

let database: TestDatabase;
let api: TestApi;
let connectionId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  api = await startTestApi(database);
  // No EGDC products, so the import stores listings without local levels and pushes nothing.
  const seller = api.sandbox.seedSeller({ nickname: 'USAGE_E2E_STORE', items: shoeItems(3, 'USE', ['25', '26'], () => 2) });
  const started = await api.services.connections.startAuthorization({ tenantId: TENANT, userId: 'merchant', marketplace: Marketplace.MERCADOLIBRE });
  const url = new URL(started.authorizationUrl);
  const code = api.sandbox.issueAuthorizationCode({
    clientId: url.searchParams.get('client_id')!,
    userId: seller.userId,
    redirectUri: url.searchParams.get('redirect_uri')!,
    codeChallenge: url.searchParams.get('code_challenge')!,
  });
  const result = await api.runtime.authorization.completeAuthorization({ marketplace: Marketplace.MERCADOLIBRE, query: { state: url.searchParams.get('state')!, code } });
  if (!result.ok) throw new Error(`Connecting the sandbox seller failed: ${result.reason}`);
  connectionId = result.connectionId;
});

afterAll(async () => {
  await api?.close();
  await database?.close();
});

describe('API usage end to end', () => {
  it('records every import call', async () => {
    const runs = await waitFor(
      'the import run to finish',
      () => tenantEntityManager(database.orm, TENANT).find(SyncRun, { connection: connectionId }),
      (found) => found.length > 0 && found.every((run) => run.status === SyncRunStatus.SUCCEEDED || run.status === SyncRunStatus.FAILED),
    );
    expect(runs.map((run) => run.status)).toEqual([SyncRunStatus.SUCCEEDED]);
    await api.runtime.usage.flush();

    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const response = await postGraphQL<UsageData, unknown>(
      api.graphqlUrl,
      'query ($id: ID!, $from: DateTimeISO!, $to: DateTimeISO!) { apiUsage(connectionId: $id, from: $from, to: $to, granularity: MINUTE) { calls errors throttled cost buckets { endpointClass statusClass calls } } }',
      { id: connectionId, from, to },
      { token: await api.token(TENANT) },
    );
    const usage = expectData(response).apiUsage;

    // Every HTTP attempt the run counted went through the traffic control into the usage log.
    expect(runs[0]!.apiCalls).toBeGreaterThan(0);
    expect(usage.calls).toBe(runs[0]!.apiCalls);
    expect(usage.cost).toBe(usage.calls);
    expect([usage.errors, usage.throttled]).toEqual([0, 0]);
    expect(usage.buckets.every((bucket) => bucket.statusClass === 'HTTP_2XX')).toBe(true);
    expect(usage.buckets.every((bucket) => bucket.endpointClass.length > 0)).toBe(true);
  });
});
