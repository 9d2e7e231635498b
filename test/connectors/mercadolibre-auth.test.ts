import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildAuthorizationUrl,
  exchangeCode,
  fetchCurrentUser,
  MercadoLibreClient,
  refreshToken,
  revokeAuthorization,
  type MercadoLibreConfig,
} from '../../src/connectors/mercadolibre/index.js';
import { createPkcePair, MarketplaceError, type TokenSet } from '../../src/connectors/shared/index.js';
import { startMercadoLibreSandbox } from '../../src/sandbox/mercadolibre/index.js';
import type { MercadoLibreSandbox } from '../../src/sandbox/mercadolibre/types.js';
import { CLIENT_ID, CLIENT_SECRET, connectSeller, footwearItems, REDIRECT_URI, sandboxApp, sandboxConfig } from './mercadolibre-fixtures.js';
import { testLogger } from '../support/logger.js';

let sandbox: MercadoLibreSandbox;
let config: MercadoLibreConfig;
let userId: number;

beforeAll(async () => {
  sandbox = await startMercadoLibreSandbox({ apps: [sandboxApp()], ratePerSecond: 1000, logger: testLogger() });
  config = sandboxConfig(sandbox);
  userId = sandbox.seedSeller({ nickname: 'TIENDA_AUTH', items: footwearItems(2, 'AUTH') }).userId;
});

afterAll(async () => {
  await sandbox.close();
});

function clientWith(tokens: TokenSet): MercadoLibreClient {
  return new MercadoLibreClient({ config, tokenSource: { getAccessToken: async () => tokens.accessToken } });
}

async function rejectionOf(promise: Promise<unknown>): Promise<MarketplaceError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(MarketplaceError);
  return error as MarketplaceError;
}

describe('MercadoLibre authorization', () => {
  it('completes the consent page flow', async () => {
    const pkce = createPkcePair();
    const authorizationUrl = buildAuthorizationUrl({ config, state: 'state-consent-1', codeChallenge: pkce.challenge });

    const page = await fetch(authorizationUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Autorizar');

    const form = new URLSearchParams(new URL(authorizationUrl).searchParams);
    form.set('user_id', String(userId));
    form.set('decision', 'allow');
    const decision = await fetch(`${sandbox.url}/authorization/decision`, { method: 'POST', body: form, redirect: 'manual' });
    expect(decision.status).toBe(302);
    const location = new URL(decision.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('state')).toBe('state-consent-1');

    const code = location.searchParams.get('code') ?? '';
    const tokens = await exchangeCode(config, { code, codeVerifier: pkce.verifier });
    expect(tokens.accessToken).toMatch(/^APP_USR-/);
    expect(tokens.refreshToken).toMatch(/^TG-/);
    expect(tokens.accountId).toBe(String(userId));
    expect(tokens.scopes).toContain('offline_access');
    const lifetimeMs = (tokens.expiresAt?.getTime() ?? 0) - Date.now();
    expect(lifetimeMs).toBeGreaterThan(21_500_000);
    expect(lifetimeMs).toBeLessThanOrEqual(21_600_000);

    const user = await fetchCurrentUser(clientWith(tokens));
    expect(String(user.id)).toBe(String(userId));
    expect(user.nickname).toBe('TIENDA_AUTH');
  });

  it('posts a form body without secrets in the URL', async () => {
    const before = sandbox.requests.length;
    await connectSeller(sandbox, config, userId);

    const tokenRequest = sandbox.requests.slice(before).find((request) => request.path === '/oauth/token');
    expect(tokenRequest?.method).toBe('POST');
    expect(tokenRequest?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(tokenRequest?.query).toEqual({});
    const form = new URLSearchParams(tokenRequest?.rawBody);
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(form.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(form.get('code_verifier')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('rejects a wrong PKCE verifier', async () => {
    const pkce = createPkcePair();
    const code = sandbox.issueAuthorizationCode({ clientId: CLIENT_ID, userId, redirectUri: REDIRECT_URI, codeChallenge: pkce.challenge });

    const error = await rejectionOf(exchangeCode(config, { code, codeVerifier: createPkcePair().verifier }));
    expect(error.kind).toBe('auth');
    expect(error.code).toBe('invalid_grant');
    expect(error.message).not.toContain(code);
  });

  it('rejects a reused authorization code', async () => {
    const pkce = createPkcePair();
    const code = sandbox.issueAuthorizationCode({ clientId: CLIENT_ID, userId, redirectUri: REDIRECT_URI, codeChallenge: pkce.challenge });
    await exchangeCode(config, { code, codeVerifier: pkce.verifier });

    const error = await rejectionOf(exchangeCode(config, { code, codeVerifier: pkce.verifier }));
    expect(error.kind).toBe('auth');
    expect(error.code).toBe('invalid_grant');
  });

  it('rotates the refresh token', async () => {
    const { tokens } = await connectSeller(sandbox, config, userId);
    const oldRefreshToken = tokens.refreshToken ?? '';

    const refreshed = await refreshToken(config, oldRefreshToken);
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect(refreshed.refreshToken).toMatch(/^TG-/);
    expect(refreshed.refreshToken).not.toBe(oldRefreshToken);
    expect(refreshed.accountId).toBe(String(userId));
    const user = await fetchCurrentUser(clientWith(refreshed));
    expect(String(user.id)).toBe(String(userId));

    const error = await rejectionOf(refreshToken(config, oldRefreshToken));
    expect(error.kind).toBe('auth');
    expect(error.code).toBe('invalid_grant');
    expect(error.status).toBe(400);
    expect(error.retryable).toBe(false);
    expect(error.marketplaceMessage).toMatch(/expired or it was already used/);
    expect(error.message).not.toContain(oldRefreshToken);
    expect(error.message).not.toContain(CLIENT_SECRET);
  });

  it('reports an expired access token as auth', async () => {
    const { tokens } = await connectSeller(sandbox, config, userId);
    sandbox.expireAccessTokens(userId);

    const error = await rejectionOf(fetchCurrentUser(clientWith(tokens)));
    expect(error.kind).toBe('auth');
    expect(error.code).toBe('invalid_token');
    expect(error.status).toBe(401);
    expect(error.message).not.toContain(tokens.accessToken);

    const refreshed = await refreshToken(config, tokens.refreshToken ?? '');
    const user = await fetchCurrentUser(clientWith(refreshed));
    expect(String(user.id)).toBe(String(userId));
  });

  it('revokes the authorization', async () => {
    const { tokens } = await connectSeller(sandbox, config, userId);
    await revokeAuthorization(config, { getAccessToken: async () => tokens.accessToken }, String(userId));

    const revokeRequest = sandbox.requests.at(-1);
    expect(revokeRequest?.method).toBe('DELETE');
    expect(revokeRequest?.path).toBe(`/users/${userId}/applications/${CLIENT_ID}`);
    expect(revokeRequest?.status).toBe(200);

    const callError = await rejectionOf(fetchCurrentUser(clientWith(tokens)));
    expect(callError.kind).toBe('auth');
    const refreshError = await rejectionOf(refreshToken(config, tokens.refreshToken ?? ''));
    expect(refreshError.kind).toBe('auth');
  });

  it('rejects a wrong client secret', async () => {
    const pkce = createPkcePair();
    const code = sandbox.issueAuthorizationCode({ clientId: CLIENT_ID, userId, redirectUri: REDIRECT_URI, codeChallenge: pkce.challenge });

    const error = await rejectionOf(exchangeCode({ ...config, clientSecret: 'wrong-secret-value-123' }, { code, codeVerifier: pkce.verifier }));
    expect(error.kind).toBe('auth');
    expect(error.code).toBe('invalid_client');
    expect(error.message).not.toContain('wrong-secret-value-123');
  });

  it('falls back to 6 h for odd expires_in', async () => {
    const cases: Array<{ expiresIn: unknown; lifetimeSeconds: number; warns: boolean }> = [
      { expiresIn: undefined, lifetimeSeconds: 21_600, warns: true },
      { expiresIn: 0, lifetimeSeconds: 21_600, warns: true },
      { expiresIn: 'soon', lifetimeSeconds: 21_600, warns: true },
      { expiresIn: 21_600_000, lifetimeSeconds: 21_600, warns: true },
      { expiresIn: '3600', lifetimeSeconds: 3_600, warns: false },
    ];
    for (const testCase of cases) {
      sandbox.injectFault({
        method: 'POST',
        path: '/oauth/token',
        status: 200,
        body: {
          access_token: 'APP_USR-4444555566667777-120419-0123456789abcdef0123456789abcdef-1',
          token_type: 'Bearer',
          expires_in: testCase.expiresIn,
          scope: 'offline_access read write',
          user_id: userId,
          refresh_token: 'TG-0123456789abcdef01234567-1',
        },
      });
      const warnings: string[] = [];
      const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });

      const tokens = await exchangeCode(config, { code: 'TG-0123456789abcdef01234567-1', codeVerifier: createPkcePair().verifier }, { logger });

      const lifetimeMs = (tokens.expiresAt?.getTime() ?? 0) - Date.now();
      expect(lifetimeMs).toBeGreaterThan((testCase.lifetimeSeconds - 100) * 1000);
      expect(lifetimeMs).toBeLessThanOrEqual(testCase.lifetimeSeconds * 1000);
      expect(warnings.length).toBe(testCase.warns ? 1 : 0);
      expect(warnings.join('')).not.toContain('APP_USR');
    }
  });
});
