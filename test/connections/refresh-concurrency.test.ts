import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireRefreshLease, releaseRefreshLease, storeRefreshedTokens } from '../../src/connections/refresh-lease.js';
import { encryptTokenSet } from '../../src/connections/token-crypto.js';
import type { TokenSet } from '../../src/connectors/shared/types.js';
import { ConnectionStatus } from '../../src/entities/index.js';
import { tenantEntityManager } from '../../src/database/orm.js';
import {
  REFRESH_CLIENT_ID, REFRESH_CLIENT_SECRET, REFRESH_REDIRECT_URI, startRefreshHarness, type RefreshHarness, type SeededConnection,
} from '../support/refresh-harness.js';
import { startRefreshProcess } from '../support/refresh-process.js';
import { tokenDigest } from '../support/refresh-worker.js';

let harness: RefreshHarness;

beforeAll(async () => {
  harness = await startRefreshHarness();
});

afterAll(async () => {
  await harness?.close();
});

/** Makes the stored lease of `connection` expired, as if its holder had crashed or stalled. */
async function expireLease(connection: SeededConnection): Promise<void> {
  await harness.orm.em.getConnection().execute(
    `update credential set refresh_lease_expires_at = now() - interval '1 second' where connection_id = ? and refresh_lease_expires_at is not null`,
    [connection.connectionId],
  );
}

function tokenSet(label: string): TokenSet {
  return { accessToken: `APP_USR-${label}-access`, refreshToken: `TG-${label}-refresh`, expiresAt: new Date(Date.now() + 6 * 3600_000), scopes: [], accountId: 'seller' };
}

/** Resolves once the sandbox has received `count` refresh requests since `from`. */
async function refreshRequestArrived(from: number, count = 1): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (harness.refreshRequestsSince(from).length < count) {
    if (Date.now() > deadline) throw new Error(`The sandbox did not receive ${count} refresh request(s) within 10 s.`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('token refresh across processes', () => {
  it('refreshes once for 50 callers in two processes', async () => {
    const seller = await harness.connectSeller('tenant-two-processes', 'TWO_PROCESSES');
    const oldToken = await harness.storedAccessToken(seller);
    await harness.setAccessTokenExpiry(seller, new Date(Date.now() - 1000));
    const second = startRefreshProcess({
      databaseUrl: harness.db.url,
      sandboxUrl: harness.sandbox.url,
      clientId: REFRESH_CLIENT_ID,
      clientSecret: REFRESH_CLIENT_SECRET,
      redirectUri: REFRESH_REDIRECT_URI,
      keyRing: harness.keyRing,
      tenantId: seller.tenantId,
      connectionId: seller.connectionId,
      callers: 25,
    });
    try {
      await second.ready;
      // Keeps the one refresh in flight long enough for every caller of both processes to contend.
      harness.sandbox.injectFault({ method: 'POST', path: '/oauth/token', latencyMs: 300 });
      const before = harness.sandbox.requests.length;

      second.go();
      const local = await Promise.all(Array.from({ length: 25 }, () => harness.tokenSource(seller).getAccessToken()));
      const remote = await second.done;

      expect(remote.errors).toEqual([]);
      expect(remote.digests).toHaveLength(25);
      expect(harness.refreshRequestsSince(before)).toHaveLength(1);
      const stored = await harness.storedAccessToken(seller);
      expect(stored).not.toBe(oldToken);
      expect(new Set(local)).toEqual(new Set([stored]));
      expect(new Set(remote.digests)).toEqual(new Set([tokenDigest(stored)]));
      expect(await harness.callWithToken(stored)).toBe(200);
      const credential = await harness.loadCredential(seller);
      expect(credential.version).toBe(2);
      expect(credential.refreshLeaseExpiresAt).toBeNull();
      expect(await second.exited).toBe(0);
    } finally {
      second.kill();
    }
  });
});

describe('refresh lease fencing', () => {
  it('lets one holder in until the lease expires', async () => {
    const seller = await harness.connectSeller('tenant-lease-held', 'LEASE_HELD');
    const em = tenantEntityManager(harness.orm, seller.tenantId);

    const first = await acquireRefreshLease(em, seller, { seenVersion: 1, holder: 'first', ttlMs: 60_000 });
    const whileHeld = await acquireRefreshLease(em, seller, { seenVersion: 1, holder: 'second', ttlMs: 60_000 });
    await expireLease(seller);
    const afterExpiry = await acquireRefreshLease(em, seller, { seenVersion: 1, holder: 'second', ttlMs: 60_000 });

    expect(first?.fence).toBe(1);
    expect(whileHeld).toBeNull();
    expect(afterExpiry?.fence).toBe(2);
    expect((await harness.loadCredential(seller)).refreshLeaseHolder).toBe('second');
  });

  it('takes no lease when blocked', async () => {
    const seller = await harness.connectSeller('tenant-lease-refused', 'LEASE_REFUSED');
    const em = tenantEntityManager(harness.orm, seller.tenantId);

    const outdated = await acquireRefreshLease(em, seller, { seenVersion: 0, holder: 'late', ttlMs: 60_000 });
    await harness.orm.em.getConnection().execute(`update marketplace_connection set status = 'NEEDS_REAUTH' where id = ?`, [seller.connectionId]);
    const needsReauth = await acquireRefreshLease(em, seller, { seenVersion: 1, holder: 'blocked', ttlMs: 60_000 });

    expect(outdated).toBeNull();
    expect(needsReauth).toBeNull();
    expect((await harness.loadCredential(seller)).refreshFence).toBe(0);
  });

  it('keeps newer tokens from a stale holder', async () => {
    const seller = await harness.connectSeller('tenant-stale-holder', 'STALE_HOLDER');
    const em = tenantEntityManager(harness.orm, seller.tenantId);
    const stale = await acquireRefreshLease(em, seller, { seenVersion: 1, holder: 'stale', ttlMs: 60_000 });
    await expireLease(seller);
    const current = await acquireRefreshLease(em, seller, { seenVersion: 1, holder: 'current', ttlMs: 60_000 });
    if (!stale || !current) throw new Error('both leases must be taken for this test');

    const newer = await storeRefreshedTokens(em, current, encryptTokenSet(harness.vault, seller, tokenSet('newer')));
    const late = await storeRefreshedTokens(em, stale, encryptTokenSet(harness.vault, seller, tokenSet('stale')));
    await releaseRefreshLease(em, stale);

    expect(newer).toEqual({ status: 'stored', version: 2 });
    expect(late).toEqual({ status: 'superseded' });
    expect(await harness.storedAccessToken(seller)).toBe('APP_USR-newer-access');
    expect(await harness.storedRefreshToken(seller)).toBe('TG-newer-refresh');
    const credential = await harness.loadCredential(seller);
    expect(credential.version).toBe(2);
    expect(credential.refreshFence).toBe(2);
  });

  it('stores a taken-over refresh when nothing newer exists', async () => {
    const seller = await harness.connectSeller('tenant-late-only', 'LATE_ONLY');
    const em = tenantEntityManager(harness.orm, seller.tenantId);
    const stale = await acquireRefreshLease(em, seller, { seenVersion: 1, holder: 'stale', ttlMs: 60_000 });
    await expireLease(seller);
    const current = await acquireRefreshLease(em, seller, { seenVersion: 1, holder: 'current', ttlMs: 60_000 });
    if (!stale || !current) throw new Error('both leases must be taken for this test');

    const late = await storeRefreshedTokens(em, stale, encryptTokenSet(harness.vault, seller, tokenSet('late')));

    expect(late).toEqual({ status: 'stored_after_takeover', version: 2 });
    expect(await harness.storedRefreshToken(seller)).toBe('TG-late-refresh');
    const credential = await harness.loadCredential(seller);
    // The lease stays with its current holder, whose own refresh now fails or comes after.
    expect(credential.refreshLeaseHolder).toBe('current');
    expect(credential.refreshLeaseExpiresAt).not.toBeNull();
  });

  it('hands a stalled refresh over to the next caller', async () => {
    const seller = await harness.connectSeller('tenant-stalled', 'STALLED');
    const oldToken = await harness.storedAccessToken(seller);
    await harness.setAccessTokenExpiry(seller, new Date(Date.now() - 1000));
    // The first refresh request is held 2 s, so its lease (expired below) is taken over meanwhile.
    harness.sandbox.injectFault({ method: 'POST', path: '/oauth/token', latencyMs: 2_000 });
    const before = harness.sandbox.requests.length;

    const stalled = harness.tokenSource(seller).getAccessToken();
    await refreshRequestArrived(before);
    await expireLease(seller);
    const takenOver = await harness.tokenSource(seller).getAccessToken();
    const stalledResult = await stalled;

    // The stalled request reached the sandbox after the takeover had spent the refresh token, got
    // invalid_grant, and found the tokens the new holder stored.
    expect(harness.refreshRequestsSince(before).map((request) => request.status)).toEqual([400, 200]);
    expect(takenOver).not.toBe(oldToken);
    expect(stalledResult).toBe(takenOver);
    expect(await harness.storedAccessToken(seller)).toBe(takenOver);
    expect((await harness.loadCredential(seller)).version).toBe(2);
    expect((await harness.loadConnection(seller)).status).toBe(ConnectionStatus.ACTIVE);
  });
});
