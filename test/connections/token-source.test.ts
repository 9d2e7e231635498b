import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoredTokenSource } from '../../src/connections/credentials.js';
import { MarketplaceError } from '../../src/connectors/shared/errors.js';
import { tenantEntityManager } from '../../src/database/orm.js';
import { ConnectionStatus, Credential, SyncRunKind } from '../../src/entities/index.js';
import type { SyncEvent } from '../../src/services.js';
import { CLIENT_ID, loadConnection, shoeItems, startSyncHarness, type ConnectedSeller, type SyncHarness } from '../support/sync-harness.js';

let harness: SyncHarness;

beforeAll(async () => {
  harness = await startSyncHarness();
});

afterAll(async () => {
  await harness?.close();
});

function tokenSource(seller: ConnectedSeller): StoredTokenSource {
  return new StoredTokenSource(harness.deps, seller.tenantId, seller.connectionId);
}

async function loadCredential(seller: ConnectedSeller): Promise<Credential> {
  return tenantEntityManager(harness.orm, seller.tenantId).findOneOrFail(Credential, { connection: seller.connectionId });
}

async function setStoredExpiry(seller: ConnectedSeller, expiresAt: Date): Promise<void> {
  await harness.orm.em.getConnection().execute('update credential set access_token_expires_at = ? where connection_id = ?', [expiresAt, seller.connectionId]);
}

/** Refresh-token grants the sandbox received since `from`. */
function refreshRequestsSince(from: number) {
  return harness.requestsSince(from, 'POST', '/oauth/token').filter((request) => (request.body as Record<string, unknown>)?.grant_type === 'refresh_token');
}

/** Calls GET /users/me with `token`, as any API call of the connector would. */
async function callWithToken(token: string): Promise<number> {
  const response = await fetch(`${harness.sandbox.url}/users/me`, { headers: { authorization: `Bearer ${token}` } });
  await response.body?.cancel();
  return response.status;
}

describe('StoredTokenSource', () => {
  it('returns the stored token while it is fresh', async () => {
    const seller = await harness.connectSeller('tenant-fresh', 'FRESH_STORE', shoeItems(1, 'FRSH', ['25'], () => 1));
    const before = harness.sandbox.requests.length;

    const token = await tokenSource(seller).getAccessToken();

    expect(refreshRequestsSince(before)).toHaveLength(0);
    expect(await callWithToken(token)).toBe(200);
    expect((await loadCredential(seller)).version).toBe(1);
  });

  it('refreshes a token near expiry once', async () => {
    const seller = await harness.connectSeller('tenant-near', 'NEAR_STORE', shoeItems(1, 'NEAR', ['25'], () => 1));
    const source = tokenSource(seller);
    const oldToken = await source.getAccessToken();
    await setStoredExpiry(seller, new Date(Date.now() + 60_000));
    const before = harness.sandbox.requests.length;

    const refreshed = await source.getAccessToken();
    const again = await source.getAccessToken();

    expect(refreshed).not.toBe(oldToken);
    expect(again).toBe(refreshed);
    expect(refreshRequestsSince(before)).toHaveLength(1);
    expect(await callWithToken(refreshed)).toBe(200);
    const credential = await loadCredential(seller);
    expect(credential.version).toBe(2);
    expect(credential.accessTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 60 * 60_000);
    expect(credential.accessTokenCiphertext).not.toContain(refreshed);
  });

  it('refreshes once for 20 concurrent callers', async () => {
    const seller = await harness.connectSeller('tenant-crowd', 'CROWD_STORE', shoeItems(1, 'CROW', ['25'], () => 1));
    harness.sandbox.expireAccessTokens(seller.userId);
    await setStoredExpiry(seller, new Date(Date.now() - 1000));
    const before = harness.sandbox.requests.length;

    const tokens = await Promise.all(Array.from({ length: 20 }, () => tokenSource(seller).getAccessToken()));

    expect(refreshRequestsSince(before)).toHaveLength(1);
    expect(new Set(tokens).size).toBe(1);
    expect(await callWithToken(tokens[0]!)).toBe(200);
    expect((await loadCredential(seller)).version).toBe(2);
    expect((await loadConnection(harness.orm, seller.tenantId, seller.connectionId)).status).toBe(ConnectionStatus.ACTIVE);
  });

  it('marks NEEDS_REAUTH on a rejected refresh, until reauthorized', async () => {
    const seller = await harness.connectSeller('tenant-revoked', 'REVOKED_STORE', shoeItems(1, 'REVK', ['25'], () => 1));
    const statusEvents = harness.events.subscribe(seller.tenantId, (event) => event.type === 'CONNECTION_STATUS_CHANGED');
    harness.sandbox.revokeAuthorization(seller.userId, CLIENT_ID);
    await setStoredExpiry(seller, new Date(Date.now() - 1000));
    const credentialBefore = await loadCredential(seller);
    const before = harness.sandbox.requests.length;

    const failure = await tokenSource(seller).getAccessToken().catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(MarketplaceError);
    expect(failure).toMatchObject({ kind: 'auth', code: 'invalid_grant' });
    expect(refreshRequestsSince(before)).toHaveLength(1);
    const connection = await loadConnection(harness.orm, seller.tenantId, seller.connectionId);
    expect(connection.status).toBe(ConnectionStatus.NEEDS_REAUTH);
    expect(connection.statusReason).toBe('refresh_rejected');
    const event = (await statusEvents.next()).value as SyncEvent;
    await statusEvents.return?.();
    expect(event).toMatchObject({ connectionId: seller.connectionId, data: { previous: 'ACTIVE', status: 'NEEDS_REAUTH' } });
    const credentialAfter = await loadCredential(seller);
    expect(credentialAfter.version).toBe(credentialBefore.version);
    expect(credentialAfter.refreshTokenCiphertext).toBe(credentialBefore.refreshTokenCiphertext);
    await expect(harness.sync.startSync({ tenantId: seller.tenantId, connectionId: seller.connectionId, kind: SyncRunKind.IMPORT, trigger: 'api' }))
      .rejects.toMatchObject({ code: 'CONFLICT' });

    const again = await harness.authorize(seller.tenantId, seller.userId);

    expect(again).toMatchObject({ ok: true, connectionId: seller.connectionId });
    const reconnected = await loadConnection(harness.orm, seller.tenantId, seller.connectionId);
    expect([reconnected.status, reconnected.statusReason]).toEqual([ConnectionStatus.ACTIVE, 'authorized']);
    expect((await loadCredential(seller)).version).toBe(credentialBefore.version + 1);
    expect(await callWithToken(await tokenSource(seller).getAccessToken())).toBe(200);
    if (again.ok) await harness.waitForIdle(seller.tenantId, seller.connectionId);
  });
});
