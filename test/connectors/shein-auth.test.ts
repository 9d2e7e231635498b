import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarketplaceError } from '../../src/connectors/shared/index.js';
import {
  createSheinConnector,
  exchangeTempToken,
  verifySignature,
  type SheinConfig,
} from '../../src/connectors/shein/index.js';
import type { SheinSandbox } from '../../src/sandbox/shein/index.js';
import { APP_ID, APP_SECRET, connectSeller, footwear, REDIRECT_URI, sandboxConfig, sessionFor, startTestSandbox } from './shein-fixtures.js';

let sandbox: SheinSandbox;
let config: SheinConfig;
let supplierId: number;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  config = sandboxConfig(sandbox);
  supplierId = sandbox.seedSeller({ name: 'ZAPATERIA_AUTH', products: footwear(2, 'AUTH') }).supplierId;
});

afterAll(async () => {
  await sandbox.close();
});

async function rejectionOf(promise: Promise<unknown>): Promise<MarketplaceError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(MarketplaceError);
  return error as MarketplaceError;
}

describe('SHEIN empower flow', () => {
  it('completes the page flow', async () => {
    const connector = createSheinConnector(config);
    const link = connector.authorizationUrl({ state: 'state-empower-1' });

    const page = await fetch(link);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('lang="es-MX"');
    expect(html).toContain('Autorizar');
    expect(html).toContain(`ID de proveedor ${supplierId}`);

    const form = new URLSearchParams(new URL(link).searchParams);
    form.set('supplierId', String(supplierId));
    form.set('decision', 'allow');
    const decision = await fetch(`${sandbox.url}/empower/decision`, { method: 'POST', body: form, redirect: 'manual' });
    expect(decision.status).toBe(302);
    const location = new URL(decision.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);

    const callback = connector.readCallback?.(Object.fromEntries(location.searchParams));
    expect(callback?.ok).toBe(true);
    expect(location.searchParams.get('state')).toBe('state-empower-1');
    expect(location.searchParams.get('appid')).toBe(APP_ID);

    const tokens = await connector.exchangeCode({ code: callback?.ok ? callback.code : '' });
    expect(tokens.accessToken).toMatch(/^[0-9A-F]{32}$/);
    expect(tokens.refreshToken).toBeNull();
    expect(tokens.expiresAt).toBeNull();
    expect(tokens.accountId).toBe(String(supplierId));
    expect(tokens.metadata).toEqual({ openKeyId: expect.stringMatching(/^[0-9A-F]{32}$/), supplierId: String(supplierId), supplierSource: 1 });
    expect(JSON.stringify(tokens.metadata)).not.toContain(tokens.accessToken);

    const page1 = await connector.importListings(sessionFor(tokens), null);
    expect(page1.listings).toHaveLength(6);
  });

  it('reports a cancelled authorization', async () => {
    const connector = createSheinConnector(config);
    const form = new URLSearchParams(new URL(connector.authorizationUrl({ state: 'state-deny' })).searchParams);
    form.set('supplierId', String(supplierId));
    form.set('decision', 'deny');
    const decision = await fetch(`${sandbox.url}/empower/decision`, { method: 'POST', body: form, redirect: 'manual' });
    const location = new URL(decision.headers.get('location') ?? '');

    expect(connector.readCallback?.(Object.fromEntries(location.searchParams))).toEqual({ ok: false, reason: 'access_denied' });
  });

  it('signs the exchange with the app keys', async () => {
    const before = sandbox.requests.length;
    await connectSeller(sandbox, config, supplierId);

    const request = sandbox.requests.slice(before).find((entry) => entry.path === '/open-api/auth/get-by-token');
    expect(request?.method).toBe('POST');
    expect(request?.headers['content-type']).toBe('application/json;charset=UTF-8');
    expect(request?.headers['x-lt-appid']).toBe(APP_ID);
    expect(request?.headers['x-lt-openkeyid']).toBeUndefined();
    expect(request?.body).toEqual({ tempToken: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const valid = verifySignature({
      keyId: APP_ID,
      secret: APP_SECRET,
      path: '/open-api/auth/get-by-token',
      timestamp: request?.headers['x-lt-timestamp'] ?? '',
      signature: request?.headers['x-lt-signature'] ?? '',
    });
    expect(valid).toBe(true);
    expect(request?.status).toBe(200);
  });

  it('rejects a reused tempToken', async () => {
    const tempToken = sandbox.issueAuthorizationCode({ appId: APP_ID, supplierId });
    await exchangeTempToken(config, tempToken);

    const error = await rejectionOf(exchangeTempToken(config, tempToken));
    expect(error.kind).toBe('auth');
    expect(error.code).toBe('100006');
    expect(error.status).toBe(400);
    expect(error.message).not.toContain(tempToken);
  });

  it('rejects an expired tempToken', async () => {
    // Issued 11 minutes in the past by the sandbox clock, so it lapsed a minute ago.
    sandbox.advanceClock(-11 * 60_000);
    const tempToken = sandbox.issueAuthorizationCode({ appId: APP_ID, supplierId });
    sandbox.advanceClock(11 * 60_000);

    const error = await rejectionOf(exchangeTempToken(config, tempToken));
    expect(error.kind).toBe('auth');
    expect(error.code).toBe('100006');
  });

  it('rejects a request outside the time window', async () => {
    const tempToken = sandbox.issueAuthorizationCode({ appId: APP_ID, supplierId });
    sandbox.advanceClock(6 * 60_000);
    try {
      const error = await rejectionOf(exchangeTempToken(config, tempToken));
      expect(error.kind).toBe('auth');
      expect(error.code).toBe('100003');
      expect(error.message).toMatch(/clock/);
    } finally {
      sandbox.advanceClock(-6 * 60_000);
    }
  });

  it('rejects a wrong app secret', async () => {
    const tempToken = sandbox.issueAuthorizationCode({ appId: APP_ID, supplierId });

    const error = await rejectionOf(exchangeTempToken({ ...config, appSecret: '00000000000000000000000000000000' }, tempToken));
    expect(error.kind).toBe('auth');
    expect(error.code).toBe('100002');
    expect(error.status).toBe(401);
  });

  it('replaces the keys on a new authorization', async () => {
    const first = await connectSeller(sandbox, config, supplierId);
    const second = await connectSeller(sandbox, config, supplierId);
    const connector = createSheinConnector(config);

    const error = await rejectionOf(connector.importListings(sessionFor(first), null));
    expect(error.kind).toBe('auth');
    expect(error.code).toBe('100004');
    const page = await connector.importListings(sessionFor(second), null);
    expect(page.listings.length).toBeGreaterThan(0);
  });

  it('reports revoked and lapsed keys as auth', async () => {
    const connector = createSheinConnector(config);
    const tokens = await connectSeller(sandbox, config, supplierId);
    sandbox.revokeAuthorization(supplierId, APP_ID);
    const revoked = await rejectionOf(connector.importListings(sessionFor(tokens), null));
    expect(revoked.kind).toBe('auth');
    expect(revoked.message).toMatch(/authorize/);
    expect(revoked.message).not.toContain(tokens.accessToken);

    const fresh = await connectSeller(sandbox, config, supplierId);
    sandbox.expireAccessTokens(supplierId);
    const lapsed = await rejectionOf(connector.importListings(sessionFor(fresh), null));
    expect(lapsed.kind).toBe('auth');
  });

  it('refuses token refresh', async () => {
    const connector = createSheinConnector(config);
    const error = await rejectionOf(connector.refreshTokens('unused', { openKeyId: 'X' }));
    expect(error.kind).toBe('auth');
    expect(error.code).toBe('reauthorize');
  });
});
