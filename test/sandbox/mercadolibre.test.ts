import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import type { MercadoLibreSandbox } from '../../src/sandbox/mercadolibre/index.js';
import {
  apiGet,
  CLIENT_ID,
  CLIENT_SECRET,
  connectSeller,
  exchangeCode,
  INVALID_GRANT_BODY,
  INVALID_TOKEN_BODY,
  PKCE_CHALLENGE,
  PKCE_VERIFIER,
  postForm,
  REDIRECT_URI,
  refresh,
  shoes,
  startTestSandbox,
  tokenBodySchema,
} from './mercadolibre-helpers.js';

let sandbox: MercadoLibreSandbox;
let firstSellerId: number;
let secondSellerId: number;

beforeAll(async () => {
  sandbox = await startTestSandbox({ ratePerSecond: 1000 });
  firstSellerId = sandbox.seedSeller({ nickname: 'ZAPATERIA_CENTRO', items: shoes(1, 'CEN') }).userId;
  secondSellerId = sandbox.seedSeller({ nickname: 'CALZADO_NORTE', items: shoes(1, 'NOR') }).userId;
});

afterAll(async () => {
  await sandbox.close();
});

afterEach(() => {
  vi.useRealTimers();
});

function authorizationQuery(overrides: Record<string, string | undefined> = {}): string {
  const fields: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    state: 'estado-123',
    code_challenge: PKCE_CHALLENGE,
    code_challenge_method: 'S256',
    ...overrides,
  };
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) params.set(name, value);
  return params.toString();
}

/** Reads the hidden inputs and seller radio buttons of the consent page. */
function parseConsentForm(html: string): { hidden: Record<string, string>; sellers: Array<{ id: string; checked: boolean }> } {
  const hidden: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    hidden[match[1] ?? ''] = (match[2] ?? '').replaceAll('&amp;', '&');
  }
  const sellers = [...html.matchAll(/<input type="radio" name="user_id" value="(\d+)"( checked)?>/g)].map((match) => ({
    id: match[1] ?? '',
    checked: match[2] !== undefined,
  }));
  return { hidden, sellers };
}

describe('authorization page', () => {
  test('lists seeded sellers in es-MX', async () => {
    const response = await fetch(`${sandbox.url}/authorization?${authorizationQuery()}`);
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<html lang="es-MX">');
    expect(html).toContain(`Autoriza a la aplicación ${CLIENT_ID} a acceder a tu cuenta`);
    expect(html).toContain('>Autorizar</button>');
    expect(html).toContain('>Cancelar</button>');
    expect(html).toContain('ZAPATERIA_CENTRO');
    expect(html).toContain('CALZADO_NORTE');
    const form = parseConsentForm(html);
    expect(form.sellers).toEqual([
      { id: String(firstSellerId), checked: true },
      { id: String(secondSellerId), checked: false },
    ]);
    expect(form.hidden).toEqual({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: REDIRECT_URI,
      state: 'estado-123',
      code_challenge: PKCE_CHALLENGE,
      code_challenge_method: 'S256',
    });
  });

  test('allow redirects with code and state', async () => {
    const html = await (await fetch(`${sandbox.url}/authorization?${authorizationQuery()}`)).text();
    const { hidden } = parseConsentForm(html);

    const response = await fetch(`${sandbox.url}/authorization/decision`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...hidden, user_id: String(secondSellerId), decision: 'allow' }).toString(),
      redirect: 'manual',
    });

    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('state')).toBe('estado-123');
    const code = location.searchParams.get('code') ?? '';
    expect(code).toMatch(new RegExp(`^TG-[0-9a-f]{24}-${secondSellerId}$`));

    const token = await exchangeCode(sandbox, code);
    expect(token.status).toBe(200);
    expect(tokenBodySchema.parse(await token.json()).user_id).toBe(secondSellerId);
  });

  test('deny redirects with access_denied', async () => {
    const response = await fetch(`${sandbox.url}/authorization/decision`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `${authorizationQuery()}&user_id=${firstSellerId}&decision=deny`,
      redirect: 'manual',
    });

    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('error_description')).toBeTruthy();
    expect(location.searchParams.get('state')).toBe('estado-123');
    expect(location.searchParams.has('code')).toBe(false);
  });

  test.each([
    ['unregistered redirect_uri', { redirect_uri: 'https://evil.example.test/callback' }, 'redirect_uri no registrado para esta aplicación'],
    ['redirect_uri with extra path', { redirect_uri: `${REDIRECT_URI}/extra` }, 'redirect_uri no registrado para esta aplicación'],
    ['unknown client_id', { client_id: '999' }, 'La aplicación con client_id &quot;999&quot; no existe.'],
    ['response_type token', { response_type: 'token' }, 'response_type debe ser &quot;code&quot;'],
    ['missing code_challenge', { code_challenge: undefined, code_challenge_method: undefined }, 'Esta aplicación exige PKCE: falta code_challenge.'],
    ['plain PKCE method', { code_challenge_method: 'plain' }, 'code_challenge_method debe ser S256'],
  ])('rejects %s with a 400 page', async (_name, overrides, spanishText) => {
    const response = await fetch(`${sandbox.url}/authorization?${authorizationQuery(overrides)}`, { redirect: 'manual' });
    const html = await response.text();

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(html).toContain(spanishText);
    expect(html).toContain('<p class="english" lang="en">');
  });

  test('decision for an unregistered redirect_uri gets no redirect', async () => {
    const response = await fetch(`${sandbox.url}/authorization/decision`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `${authorizationQuery({ redirect_uri: 'https://evil.example.test/cb' })}&user_id=${firstSellerId}&decision=allow`,
      redirect: 'manual',
    });

    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });
});

describe('token endpoint', () => {
  test('PKCE vector yields an APP_USR token', async () => {
    const code = sandbox.issueAuthorizationCode({ clientId: CLIENT_ID, userId: firstSellerId, redirectUri: REDIRECT_URI, codeChallenge: PKCE_CHALLENGE });
    const response = await exchangeCode(sandbox, code, PKCE_VERIFIER);
    const body = tokenBodySchema.parse(await response.json());

    expect(response.status).toBe(200);
    expect(body.access_token).toMatch(new RegExp(`^APP_USR-${CLIENT_ID}-\\d{6}-[0-9a-f]{32}-${firstSellerId}$`));
    expect(body.refresh_token).toMatch(new RegExp(`^TG-[0-9a-f]{24}-${firstSellerId}$`));
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBe(21600);
    expect(body.scope).toBe('offline_access read write');
    expect(body.user_id).toBe(firstSellerId);
  });

  test('wrong verifier gets invalid_grant', async () => {
    const code = sandbox.issueAuthorizationCode({ clientId: CLIENT_ID, userId: firstSellerId, redirectUri: REDIRECT_URI, codeChallenge: PKCE_CHALLENGE });
    const response = await exchangeCode(sandbox, code, `${PKCE_VERIFIER.slice(0, -1)}A`);

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual(INVALID_GRANT_BODY);
  });

  test('authorization code is single use', async () => {
    const code = sandbox.issueAuthorizationCode({ clientId: CLIENT_ID, userId: firstSellerId, redirectUri: REDIRECT_URI, codeChallenge: PKCE_CHALLENGE });
    const first = await exchangeCode(sandbox, code);
    const second = await exchangeCode(sandbox, code);

    expect(first.status).toBe(200);
    expect(second.status).toBe(400);
    expect(await second.json()).toEqual(INVALID_GRANT_BODY);
  });

  test('authorization code expires after 10 minutes', async () => {
    // Only Date is faked, so the sandbox in this process reads the shifted clock.
    vi.useFakeTimers({ toFake: ['Date'] });
    const code = sandbox.issueAuthorizationCode({ clientId: CLIENT_ID, userId: firstSellerId, redirectUri: REDIRECT_URI, codeChallenge: PKCE_CHALLENGE });
    vi.setSystemTime(Date.now() + 10 * 60 * 1000 + 1000);
    const response = await exchangeCode(sandbox, code);

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual(INVALID_GRANT_BODY);
  });

  test('JSON body is accepted too', async () => {
    const code = sandbox.issueAuthorizationCode({ clientId: CLIENT_ID, userId: firstSellerId, redirectUri: REDIRECT_URI, codeChallenge: PKCE_CHALLENGE });
    const response = await fetch(`${sandbox.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'authorization_code', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code, redirect_uri: REDIRECT_URI, code_verifier: PKCE_VERIFIER }),
    });

    expect(response.status).toBe(200);
  });

  test('refresh token rotates and is single use', async () => {
    const tokens = await connectSeller(sandbox, firstSellerId);
    const first = await refresh(sandbox, tokens.refresh_token);
    const rotated = tokenBodySchema.parse(await first.json());
    const replay = await refresh(sandbox, tokens.refresh_token);

    expect(first.status).toBe(200);
    expect(rotated.refresh_token).toMatch(new RegExp(`^TG-[0-9a-f]{24}-${firstSellerId}$`));
    expect(rotated.refresh_token).not.toBe(tokens.refresh_token);
    expect(rotated.access_token).not.toBe(tokens.access_token);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toEqual(INVALID_GRANT_BODY);
    expect((await refresh(sandbox, rotated.refresh_token)).status).toBe(200);
  });

  test.each([
    ['bad client secret', { client_secret: 'wrong' }, 401, 'invalid_client'],
    ['unknown grant type', { grant_type: 'password' }, 400, 'unsupported_grant_type'],
    ['missing refresh_token', { refresh_token: '' }, 400, 'invalid_request'],
  ])('rejects %s', async (_name, overrides, status, error) => {
    const response = await postForm(`${sandbox.url}/oauth/token`, {
      grant_type: 'refresh_token',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      refresh_token: 'TG-000000000000000000000000-1',
      ...overrides,
    });
    const body: unknown = await response.json();

    expect(response.status).toBe(status);
    expect(body).toMatchObject({ error: error, status, cause: [] });
  });

  test('GET on the token path is 404', async () => {
    expect((await fetch(`${sandbox.url}/oauth/token`)).status).toBe(404);
  });
});

describe('API authentication', () => {
  test('missing or unknown token gets 401', async () => {
    const missing = await apiGet(sandbox, '/users/me');
    const unknown = await apiGet(sandbox, '/users/me', `APP_USR-${CLIENT_ID}-010100-${'0'.repeat(32)}-${firstSellerId}`);

    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual(INVALID_TOKEN_BODY);
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toEqual(INVALID_TOKEN_BODY);
  });

  test('users/me returns the seller', async () => {
    const tokens = await connectSeller(sandbox, secondSellerId);
    const response = await apiGet(sandbox, '/users/me', tokens.access_token);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: secondSellerId, nickname: 'CALZADO_NORTE', site_id: 'MLM', tags: ['normal'] });
  });

  test('expired token gets 401 until refreshed', async () => {
    const tokens = await connectSeller(sandbox, firstSellerId);
    sandbox.expireAccessTokens(firstSellerId);
    const expired = await apiGet(sandbox, '/users/me', tokens.access_token);
    const renewed = tokenBodySchema.parse(await (await refresh(sandbox, tokens.refresh_token)).json());

    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual(INVALID_TOKEN_BODY);
    expect((await apiGet(sandbox, '/users/me', renewed.access_token)).status).toBe(200);
  });

  test('revoked authorization kills both tokens', async () => {
    const tokens = await connectSeller(sandbox, firstSellerId);
    sandbox.revokeAuthorization(firstSellerId, CLIENT_ID);

    expect((await apiGet(sandbox, '/users/me', tokens.access_token)).status).toBe(401);
    expect(await (await refresh(sandbox, tokens.refresh_token)).json()).toEqual(INVALID_GRANT_BODY);
  });

  test('DELETE application removes the authorization', async () => {
    const tokens = await connectSeller(sandbox, secondSellerId);
    const response = await fetch(`${sandbox.url}/users/${secondSellerId}/applications/${CLIENT_ID}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ user_id: secondSellerId, app_id: Number(CLIENT_ID), msg: 'Authorization removed' });
    expect((await apiGet(sandbox, '/users/me', tokens.access_token)).status).toBe(401);
  });

  test('token of one seller on another seller gets 403', async () => {
    const tokens = await connectSeller(sandbox, firstSellerId);
    const response = await apiGet(sandbox, `/users/${secondSellerId}/items/search`, tokens.access_token);

    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: 'forbidden', status: 403, cause: [] });
  });
});
