import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthorizationService } from '../../src/connections/authorization.js';
import { StoredTokenSource } from '../../src/connections/credentials.js';
import { AUTHORIZATION_CONNECTION_ID } from '../../src/connectors/shared/traffic.js';
import { tenantEntityManager } from '../../src/database/orm.js';
import { ConnectionStatus, Marketplace, MarketplaceConnection } from '../../src/entities/index.js';
import type { RecordedRequest } from '../../src/sandbox/mercadolibre/index.js';
import { testLogger } from '../support/logger.js';
import { ALLOWED_RETURN_URL, CLIENT_ID, REDIRECT_URI, shoeItems, startSyncHarness, type SyncHarness } from '../support/sync-harness.js';
import { startProcess, type TestProcess } from '../traffic/helpers.js';
import { rejectionOf } from './support.js';

const TOKEN_PATH = '/oauth/token';

let harness: SyncHarness;
let trafficProcess: TestProcess;

beforeAll(async () => {
  harness = await startSyncHarness();
  trafficProcess = startProcess(harness.db);
});

afterAll(async () => {
  await trafficProcess?.close();
  await harness?.close();
});

function seedSeller(nickname: string): number {
  return harness.sandbox.seedSeller({ nickname, items: shoeItems(1, nickname.slice(0, 4), ['25'], () => 1) }).userId;
}

/** Starts an authorization for `tenantId` with `service` and returns the state and the sandbox code for `userId`. */
async function beginAuthorization(service: AuthorizationService, tenantId: string, userId: number): Promise<{ state: string; code: string }> {
  const start = await service.startAuthorization({ tenantId, userId: 'user-1', marketplace: Marketplace.MERCADOLIBRE });
  const url = new URL(start.authorizationUrl);
  const codeChallenge = url.searchParams.get('code_challenge') ?? undefined;
  const code = harness.sandbox.issueAuthorizationCode({ clientId: CLIENT_ID, userId, redirectUri: REDIRECT_URI, codeChallenge });
  return { state: url.searchParams.get('state') ?? '', code };
}

function tokenRequestsSince(from: number): RecordedRequest[] {
  return harness.requestsSince(from, 'POST', TOKEN_PATH);
}

function meteredAuthorization(): AuthorizationService {
  const { orm, vault, connectors, events, sync } = harness;
  return new AuthorizationService({ orm, vault, connectors, events, sync, logger: testLogger(), allowedReturnUrls: [ALLOWED_RETURN_URL], traffic: trafficProcess.traffic });
}

describe('MercadoLibre code exchange', () => {
  it('retries a 429 after Retry-After and connects', async () => {
    const tenantId = 'tenant-token-429';
    const userId = seedSeller('THROTTLED_CONNECT');
    const from = harness.sandbox.requests.length;
    harness.sandbox.injectFault({
      method: 'POST',
      path: TOKEN_PATH,
      status: 429,
      headers: { 'retry-after': '1' },
      body: { message: 'too many requests', error: 'too_many_requests', status: 429, cause: [] },
    });

    const { state, code } = await beginAuthorization(harness.authorization, tenantId, userId);
    const result = await harness.authorization.completeAuthorization({ marketplace: Marketplace.MERCADOLIBRE, query: { state, code } });

    expect(result).toMatchObject({ ok: true, tenantId, accountId: String(userId) });
    if (!result.ok) return;
    const requests = tokenRequestsSince(from);
    expect(requests.map((request) => request.status)).toEqual([429, 200]);
    const waitMs = requests[1]!.at - requests[0]!.at;
    expect(waitMs).toBeGreaterThanOrEqual(900);
    expect(waitMs).toBeLessThan(5000);
    const connection = await tenantEntityManager(harness.orm, tenantId).findOneOrFail(MarketplaceConnection, { id: result.connectionId });
    expect(connection.status).toBe(ConnectionStatus.ACTIVE);
  });

  it('does not retry invalid_grant', async () => {
    const tenantId = 'tenant-token-invalid';
    const userId = seedSeller('INVALID_GRANT');
    const { state } = await beginAuthorization(harness.authorization, tenantId, userId);
    const from = harness.sandbox.requests.length;

    const result = await harness.authorization.completeAuthorization({ marketplace: Marketplace.MERCADOLIBRE, query: { state, code: 'TG-never-issued' } });

    expect(result).toMatchObject({ ok: false, reason: 'exchange_failed' });
    const requests = tokenRequestsSince(from);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.status).toBe(400);
  });

  it('records each attempt as oauth.token usage', async () => {
    const tenantId = 'tenant-token-usage';
    const userId = seedSeller('METERED_CONNECT');
    const service = meteredAuthorization();
    const usageFrom = trafficProcess.usage.length;
    harness.sandbox.injectFault({ method: 'POST', path: TOKEN_PATH, status: 429, headers: { 'retry-after': '1' }, body: { message: 'too many requests', status: 429 } });

    const { state, code } = await beginAuthorization(service, tenantId, userId);
    const result = await service.completeAuthorization({ marketplace: Marketplace.MERCADOLIBRE, query: { state, code } });

    expect(result).toMatchObject({ ok: true });
    const tokenUsage = trafficProcess.usage.slice(usageFrom).filter((entry) => entry.endpointClass === 'oauth.token');
    expect(tokenUsage.map((entry) => entry.status)).toEqual([429, 200]);
    for (const entry of tokenUsage) {
      expect(entry).toMatchObject({ marketplace: 'MERCADOLIBRE', tenantId, connectionId: AUTHORIZATION_CONNECTION_ID, accountId: '' });
    }
  });
});

describe('MercadoLibre token refresh', () => {
  it('records the refresh as oauth.token usage of the connection', async () => {
    const tenantId = 'tenant-refresh-usage';
    const seller = await harness.connectSeller(tenantId, 'METERED_REFRESH', shoeItems(1, 'MREF', ['25'], () => 1), { waitForImport: false });
    const usageFrom = trafficProcess.usage.length;
    const tokens = new StoredTokenSource({ ...harness.deps, traffic: trafficProcess.traffic }, tenantId, seller.connectionId);

    await expect(tokens.refreshIfExpiringWithin(Number.POSITIVE_INFINITY)).resolves.toBe(true);

    const tokenUsage = trafficProcess.usage.slice(usageFrom).filter((entry) => entry.endpointClass === 'oauth.token');
    expect(tokenUsage).toHaveLength(1);
    expect(tokenUsage[0]).toMatchObject({ status: 200, tenantId, connectionId: seller.connectionId, accountId: String(seller.userId) });
  });

  it('does not repeat a refresh after a 503', async () => {
    const tenantId = 'tenant-refresh-503';
    const seller = await harness.connectSeller(tenantId, 'REFRESH_503', shoeItems(1, 'R503', ['25'], () => 1), { waitForImport: false });
    const from = harness.sandbox.requests.length;
    harness.sandbox.injectFault({ method: 'POST', path: TOKEN_PATH, status: 503, body: { message: 'unavailable', status: 503 } });
    const tokens = new StoredTokenSource(harness.deps, tenantId, seller.connectionId);

    const error = await rejectionOf(tokens.refreshIfExpiringWithin(Number.POSITIVE_INFINITY));

    // The single-use refresh token may have been spent by the failed request, so sending it again could only fail.
    expect(error).toMatchObject({ kind: 'transient', status: 503 });
    expect(tokenRequestsSince(from).map((request) => request.status)).toEqual([503]);
  });
});
