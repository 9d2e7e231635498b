import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthorizationService, hashState } from '../../src/connections/authorization.js';
import { tenantEntityManager } from '../../src/database/orm.js';
import {
  ConnectionStatus, Credential, Marketplace, MarketplaceConnection, OAuthState, SyncRun, SyncRunKind, SyncRunStatus,
} from '../../src/entities/index.js';
import { AppError } from '../../src/errors.js';
import {
  ALLOWED_RETURN_URL, CLIENT_ID, REDIRECT_URI, shoeItems, startSyncHarness, waitFor, type SyncHarness,
} from '../support/sync-harness.js';
import { testLogger } from '../support/logger.js';

let harness: SyncHarness;

function authorizationDeps() {
  return { orm: harness.orm, vault: harness.vault, connectors: harness.connectors, events: harness.events, sync: harness.sync, logger: testLogger() };
}

beforeAll(async () => {
  harness = await startSyncHarness();
});

afterAll(async () => {
  await harness?.close();
});

/** Starts an authorization for `tenantId` and returns the state and challenge from its URL. */
async function start(tenantId: string, returnTo?: string) {
  const result = await harness.authorization.startAuthorization({ tenantId, userId: 'user-7', marketplace: Marketplace.MERCADOLIBRE, returnTo });
  const url = new URL(result.authorizationUrl);
  return { result, url, state: url.searchParams.get('state') ?? '', challenge: url.searchParams.get('code_challenge') ?? '' };
}

function seedSeller(nickname: string): number {
  return harness.sandbox.seedSeller({ nickname, items: shoeItems(1, nickname.slice(0, 4), ['25'], () => 2) }).userId;
}

async function credentialRow(connectionId: string): Promise<Record<string, unknown>> {
  const rows = await harness.orm.em.getConnection().execute<Array<{ row: Record<string, unknown> }>>(
    'select row_to_json(c) as row from credential c where c.connection_id = ?',
    [connectionId],
  );
  if (!rows[0]) throw new Error(`no credential row for connection ${connectionId}`);
  return rows[0].row;
}

describe('AuthorizationService.startAuthorization', () => {
  it('returns a sandbox URL with state and S256 challenge', async () => {
    const { result, url, state, challenge } = await start('tenant-start', `${ALLOWED_RETURN_URL}connections`);

    expect(`${url.origin}${url.pathname}`).toBe(`${harness.sandbox.url}/authorization`);
    expect(url.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(url.searchParams.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(state.length).toBeGreaterThanOrEqual(43);
    expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(result.expiresAt.getTime()).toBeGreaterThan(Date.now());

    const rows = await tenantEntityManager(harness.orm, 'tenant-start').find(OAuthState, {});
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row.stateHash).toBe(hashState(state));
    expect(row.returnTo).toBe(`${ALLOWED_RETURN_URL}connections`);
    expect(JSON.stringify(row)).not.toContain(state);
    expect(row.codeVerifierCiphertext).not.toBeNull();
    const verifier = harness.vault.decrypt(row.codeVerifierCiphertext!, { tenantId: 'tenant-start', ownerId: row.id, purpose: 'code_verifier' });
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(challenge);
    expect(row.codeVerifierCiphertext).not.toContain(verifier);
  });

  it('rejects a returnTo outside the allowed list', async () => {
    const outside = ['https://evil.example.test/settings/', 'https://app.example.test/other', 'https://app.example.test.evil.example/settings/'];
    for (const returnTo of outside) {
      const attempt = harness.authorization.startAuthorization({ tenantId: 'tenant-return', userId: 'u', marketplace: Marketplace.MERCADOLIBRE, returnTo });
      await expect(attempt).rejects.toBeInstanceOf(AppError);
      await expect(attempt).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    }
    expect(await tenantEntityManager(harness.orm, 'tenant-return').count(OAuthState, {})).toBe(0);
  });

  it('matches an allowed origin, not a text prefix', async () => {
    const service = new AuthorizationService({ ...authorizationDeps(), allowedReturnUrls: ['https://app.example.test'] });
    const start = (returnTo: string) => service.startAuthorization({ tenantId: 'tenant-origin', userId: 'u', marketplace: Marketplace.MERCADOLIBRE, returnTo });

    await expect(start('https://app.example.test/settings')).resolves.toMatchObject({ authorizationUrl: expect.any(String) });
    await expect(start('https://app.example.test.evil.example/settings')).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(start('https://app.example.test@evil.example/settings')).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(start('https://app.example.test:8443/settings')).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(start('not a url')).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});

describe('AuthorizationService.completeAuthorization', () => {
  it('connects the account and queues an import', async () => {
    const tenantId = 'tenant-connect';
    const userId = seedSeller('CONNECT_STORE');
    const { state, challenge } = await start(tenantId, ALLOWED_RETURN_URL);
    const code = harness.sandbox.issueAuthorizationCode({ clientId: CLIENT_ID, userId, redirectUri: REDIRECT_URI, codeChallenge: challenge });

    const result = await harness.authorization.completeAuthorization({ marketplace: Marketplace.MERCADOLIBRE, query: { state, code } });

    expect(result).toMatchObject({ ok: true, tenantId, marketplace: Marketplace.MERCADOLIBRE, accountId: String(userId), returnTo: ALLOWED_RETURN_URL });
    if (!result.ok) return;
    const em = tenantEntityManager(harness.orm, tenantId);
    const connection = await em.findOneOrFail(MarketplaceConnection, { id: result.connectionId });
    expect(connection.status).toBe(ConnectionStatus.ACTIVE);
    expect(connection.externalAccountId).toBe(String(userId));
    expect(connection.scopes).toContain('offline_access');

    const credential = await em.findOneOrFail(Credential, { connection: result.connectionId });
    const context = (purpose: string) => ({ tenantId, ownerId: result.connectionId, purpose });
    const accessToken = harness.vault.decrypt(credential.accessTokenCiphertext, context('access_token'));
    const refreshToken = harness.vault.decrypt(credential.refreshTokenCiphertext!, context('refresh_token'));
    expect(accessToken).toMatch(/^APP_USR-/);
    expect(refreshToken).toMatch(/^TG-/);
    expect(credential.accessTokenCiphertext).not.toContain(accessToken);
    expect(credential.refreshTokenCiphertext).not.toContain(refreshToken);
    expect(() => harness.vault.decrypt(credential.accessTokenCiphertext, context('refresh_token'))).toThrow(/failed authentication/);
    expect(() => harness.vault.decrypt(credential.accessTokenCiphertext, { ...context('access_token'), tenantId: 'tenant-other' })).toThrow(/failed authentication/);
    expect(credential.accessTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 60 * 60_000);

    const run = await em.findOneOrFail(SyncRun, { connection: result.connectionId, kind: SyncRunKind.IMPORT });
    expect(run.trigger).toBe('authorization');
    const finished = await harness.waitForRun(tenantId, run.id);
    expect(finished.status).toBe(SyncRunStatus.SUCCEEDED);
    expect(finished.readCount).toBe(1);
  });

  it('rejects a replayed state', async () => {
    const userId = seedSeller('REPLAY_STORE');
    const { state, challenge } = await start('tenant-replay');
    const code = harness.sandbox.issueAuthorizationCode({ clientId: CLIENT_ID, userId, redirectUri: REDIRECT_URI, codeChallenge: challenge });
    const first = await harness.authorization.completeAuthorization({ marketplace: Marketplace.MERCADOLIBRE, query: { state, code } });
    expect(first.ok).toBe(true);

    const replay = await harness.authorization.completeAuthorization({ marketplace: Marketplace.MERCADOLIBRE, query: { state, code } });

    expect(replay).toMatchObject({ ok: false, reason: 'state_used' });
    if (first.ok) await waitForImports('tenant-replay', first.connectionId);
  });

  it('rejects an unknown or missing state', async () => {
    expect(await harness.authorization.completeAuthorization({ marketplace: Marketplace.MERCADOLIBRE, query: { state: 'not-a-state-we-issued', code: 'TG-x' } }))
      .toMatchObject({ ok: false, reason: 'state_unknown' });
    expect(await harness.authorization.completeAuthorization({ marketplace: Marketplace.MERCADOLIBRE, query: { code: 'TG-x' } }))
      .toMatchObject({ ok: false, reason: 'state_missing' });
  });

  it('rejects an expired state', async () => {
    const userId = seedSeller('EXPIRED_STORE');
    const { state, challenge } = await start('tenant-expired', ALLOWED_RETURN_URL);
    await harness.orm.em.getConnection().execute('update oauth_state set expires_at = ? where state_hash = ?', [new Date(Date.now() - 1000), hashState(state)]);
    const code = harness.sandbox.issueAuthorizationCode({ clientId: CLIENT_ID, userId, redirectUri: REDIRECT_URI, codeChallenge: challenge });

    const result = await harness.authorization.completeAuthorization({ marketplace: Marketplace.MERCADOLIBRE, query: { state, code } });

    expect(result).toEqual({ ok: false, reason: 'state_expired', returnTo: ALLOWED_RETURN_URL });
    expect(await tenantEntityManager(harness.orm, 'tenant-expired').count(MarketplaceConnection, {})).toBe(0);
  });

  it('rejects a state on another marketplace path', async () => {
    const { state } = await start('tenant-mismatch');

    const result = await harness.authorization.completeAuthorization({ marketplace: Marketplace.SHOPIFY, query: { state, code: 'any' } });

    expect(result).toMatchObject({ ok: false, reason: 'marketplace_mismatch' });
    expect(await tenantEntityManager(harness.orm, 'tenant-mismatch').count(MarketplaceConnection, {})).toBe(0);
  });

  it('reports access_denied and connects nothing', async () => {
    const { state } = await start('tenant-denied', ALLOWED_RETURN_URL);

    const result = await harness.authorization.completeAuthorization({ marketplace: Marketplace.MERCADOLIBRE, query: { state, error: 'access_denied' } });

    expect(result).toEqual({ ok: false, reason: 'access_denied', returnTo: ALLOWED_RETURN_URL });
    const em = tenantEntityManager(harness.orm, 'tenant-denied');
    expect(await em.count(MarketplaceConnection, {})).toBe(0);
    expect(await em.count(Credential, {})).toBe(0);
  });

  it('keeps stored credentials when the exchange fails', async () => {
    const tenantId = 'tenant-exchange';
    const connected = await harness.connectSeller(tenantId, 'EXCHANGE_STORE', shoeItems(1, 'EXCH', ['25'], () => 1));
    const before = await credentialRow(connected.connectionId);
    const tokenCallsBefore = harness.requestsSince(0, 'POST', '/oauth/token').length;
    const { state } = await start(tenantId);

    const result = await harness.authorization.completeAuthorization({ marketplace: Marketplace.MERCADOLIBRE, query: { state, code: 'TG-000000000000000000000000-1' } });

    expect(result).toMatchObject({ ok: false, reason: 'exchange_failed', detail: 'invalid_grant' });
    expect(harness.requestsSince(0, 'POST', '/oauth/token')).toHaveLength(tokenCallsBefore + 1);
    expect(await credentialRow(connected.connectionId)).toEqual(before);
    const connection = await tenantEntityManager(harness.orm, tenantId).findOneOrFail(MarketplaceConnection, { id: connected.connectionId });
    expect(connection.status).toBe(ConnectionStatus.ACTIVE);
    expect(await tenantEntityManager(harness.orm, tenantId).count(MarketplaceConnection, {})).toBe(1);
  });

  it('hides one tenant\'s state and connection from another', async () => {
    const connected = await harness.connectSeller('tenant-a', 'TENANT_A_STORE', shoeItems(1, 'TENA', ['25'], () => 1));
    await start('tenant-a');

    const emB = tenantEntityManager(harness.orm, 'tenant-b');
    expect(await emB.count(OAuthState, {})).toBe(0);
    expect(await emB.count(MarketplaceConnection, {})).toBe(0);
    expect(await emB.findOne(MarketplaceConnection, { id: connected.connectionId })).toBeNull();
    expect(await emB.count(Credential, {})).toBe(0);
    const emA = tenantEntityManager(harness.orm, 'tenant-a');
    expect(await emA.count(OAuthState, {})).toBe(2);
    expect(await emA.count(MarketplaceConnection, {})).toBe(1);
    await expect(harness.sync.startSync({ tenantId: 'tenant-b', connectionId: connected.connectionId, kind: SyncRunKind.IMPORT, trigger: 'api' }))
      .rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

async function waitForImports(tenantId: string, connectionId: string): Promise<void> {
  await waitFor(
    `imports of connection ${connectionId} to finish`,
    () => tenantEntityManager(harness.orm, tenantId).find(SyncRun, { connection: connectionId }),
    (runs) => runs.every((run) => run.status === SyncRunStatus.SUCCEEDED || run.status === SyncRunStatus.FAILED),
  );
}
