import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeTokens } from '../../src/connections/credentials.js';
import { MarketplaceError } from '../../src/connectors/shared/errors.js';
import { tenantEntityManager } from '../../src/database/orm.js';
import { ConnectionStatus, Credential, Marketplace } from '../../src/entities/index.js';
import type { SyncEvent } from '../../src/services.js';
import { startRefreshHarness, type RefreshHarness, type SeededConnection } from '../support/refresh-harness.js';

let harness: RefreshHarness;

beforeAll(async () => {
  harness = await startRefreshHarness();
});

afterAll(async () => {
  await harness?.close();
});

/** Resolves once the sandbox has received a refresh request since `from`. */
async function refreshRequestArrived(from: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (harness.refreshRequestsSince(from).length === 0) {
    if (Date.now() > deadline) throw new Error('The sandbox did not receive a refresh request within 10 s.');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Spends the stored refresh token at the sandbox and stores the new pair, as another process would. */
async function rotateElsewhere(seller: SeededConnection, refreshToken: string): Promise<string> {
  const tokens = await harness.deps.connectors.get(Marketplace.MERCADOLIBRE).refreshTokens(refreshToken);
  const em = tenantEntityManager(harness.orm, seller.tenantId);
  const credential = await em.findOneOrFail(Credential, { connection: seller.connectionId }, { populate: ['connection'] });
  storeTokens(em, harness.vault, credential.connection, tokens, credential);
  await em.flush();
  return tokens.accessToken;
}

describe('rejected refresh', () => {
  it('uses a token another process rotated', async () => {
    const seller = await harness.connectSeller('tenant-rotated', 'ROTATED');
    const refreshToken = await harness.storedRefreshToken(seller);
    await harness.setAccessTokenExpiry(seller, new Date(Date.now() - 1000));
    // Holds our refresh request until the other process has spent the same refresh token.
    harness.sandbox.injectFault({ method: 'POST', path: '/oauth/token', latencyMs: 1_000 });
    const before = harness.sandbox.requests.length;

    const pending = harness.tokenSource(seller).getAccessToken();
    await refreshRequestArrived(before);
    const rotated = await rotateElsewhere(seller, refreshToken);
    const token = await pending;

    expect(harness.refreshRequestsSince(before).map((request) => request.status)).toEqual([400, 200]);
    expect(token).toBe(rotated);
    expect(await harness.callWithToken(token)).toBe(200);
    const connection = await harness.loadConnection(seller);
    expect(connection.status).toBe(ConnectionStatus.ACTIVE);
    expect(connection.statusReason).toBe('authorized');
    expect((await harness.loadCredential(seller)).version).toBe(2);
  });

  it('marks NEEDS_REAUTH once for many callers', async () => {
    const seller = await harness.connectSeller('tenant-revoked', 'REVOKED');
    const statusEvents = harness.events.subscribe(seller.tenantId, (event) => event.type === 'CONNECTION_STATUS_CHANGED');
    harness.sandbox.revokeAuthorization(seller.userId);
    await harness.setAccessTokenExpiry(seller, new Date(Date.now() - 1000));
    const credentialBefore = await harness.loadCredential(seller);
    const before = harness.sandbox.requests.length;

    const results = await Promise.allSettled(Array.from({ length: 10 }, () => harness.tokenSource(seller).getAccessToken()));

    expect(harness.refreshRequestsSince(before)).toHaveLength(1);
    const errors = results.map((result) => (result.status === 'rejected' ? result.reason : result.value));
    for (const error of errors) {
      expect(error).toBeInstanceOf(MarketplaceError);
      expect(error).toMatchObject({ kind: 'auth' });
    }
    expect(errors.filter((error) => error instanceof MarketplaceError && error.code === 'invalid_grant')).toHaveLength(1);
    const connection = await harness.loadConnection(seller);
    expect(connection.status).toBe(ConnectionStatus.NEEDS_REAUTH);
    expect(connection.statusReason).toBe('refresh_rejected');
    const event = (await statusEvents.next()).value as SyncEvent;
    await statusEvents.return?.();
    expect(event).toMatchObject({ connectionId: seller.connectionId, data: { previous: 'ACTIVE', status: 'NEEDS_REAUTH', reason: 'refresh_rejected' } });
    const credentialAfter = await harness.loadCredential(seller);
    expect(credentialAfter.version).toBe(credentialBefore.version);
    expect(credentialAfter.refreshTokenCiphertext).toBe(credentialBefore.refreshTokenCiphertext);
    expect(credentialAfter.refreshLeaseExpiresAt).toBeNull();
  });

  it('marks NEEDS_REAUTH without a refresh token', async () => {
    const seller = await harness.connectSeller('tenant-no-refresh-token', 'NO_REFRESH_TOKEN');
    const token = await harness.storedAccessToken(seller);
    await harness.orm.em.getConnection().execute('update credential set refresh_token_ciphertext = null where connection_id = ?', [seller.connectionId]);
    const before = harness.sandbox.requests.length;

    const failure = await harness.tokenSource(seller).renewAfterUnauthorized(token).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(MarketplaceError);
    expect(failure).toMatchObject({ kind: 'auth', code: 'no_refresh_token' });
    expect(harness.refreshRequestsSince(before)).toHaveLength(0);
    const connection = await harness.loadConnection(seller);
    expect([connection.status, connection.statusReason]).toEqual([ConnectionStatus.NEEDS_REAUTH, 'refresh_token_missing']);
  });
});

describe('renewAfterUnauthorized', () => {
  it('refreshes a fresh token once', async () => {
    const seller = await harness.connectSeller('tenant-unauthorized', 'UNAUTHORIZED');
    const rejected = await harness.storedAccessToken(seller);
    const expiresBefore = (await harness.loadCredential(seller)).accessTokenExpiresAt;
    const before = harness.sandbox.requests.length;

    const renewed = await Promise.all(Array.from({ length: 10 }, () => harness.tokenSource(seller).renewAfterUnauthorized(rejected)));

    expect(expiresBefore!.getTime()).toBeGreaterThan(Date.now() + 3600_000);
    expect(harness.refreshRequestsSince(before)).toHaveLength(1);
    expect(new Set(renewed).size).toBe(1);
    expect(renewed[0]).not.toBe(rejected);
    expect(renewed[0]).toBe(await harness.storedAccessToken(seller));
    expect(await harness.callWithToken(renewed[0]!)).toBe(200);
    expect((await harness.loadCredential(seller)).version).toBe(2);
  });

  it('returns an already rotated token', async () => {
    const seller = await harness.connectSeller('tenant-already-rotated', 'ALREADY_ROTATED');
    const rejected = await harness.storedAccessToken(seller);
    await harness.setAccessTokenExpiry(seller, new Date(Date.now() - 1000));
    const current = await harness.tokenSource(seller).getAccessToken();
    const before = harness.sandbox.requests.length;

    const renewed = await harness.tokenSource(seller).renewAfterUnauthorized(rejected);

    expect(current).not.toBe(rejected);
    expect(renewed).toBe(current);
    expect(harness.refreshRequestsSince(before)).toHaveLength(0);
    expect((await harness.loadCredential(seller)).version).toBe(2);
  });
});
