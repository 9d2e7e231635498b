import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { MercadoLibreSandbox } from '../../src/sandbox/mercadolibre/index.js';
import { apiGet, CLIENT_ID, connectSeller, REDIRECT_URI, shoes, startTestSandbox, type TokenBody } from './mercadolibre-helpers.js';

const OTHER_CLIENT_ID = '5555666677778888';

let sandbox: MercadoLibreSandbox;
let sellerId: number;
let tokens: TokenBody;

beforeAll(async () => {
  sandbox = await startTestSandbox({ ratePerSecond: 1000 });
  sandbox.addApp({ clientId: OTHER_CLIENT_ID, clientSecret: 'other-secret', redirectUris: [REDIRECT_URI] });
  sellerId = sandbox.seedSeller({ nickname: 'ZAPATERIA_CENTRO', items: shoes(1, 'CEN') }).userId;
  tokens = await connectSeller(sandbox, sellerId);
});

beforeEach(() => {
  sandbox.clearFaults();
  sandbox.setRatePerSecond(1000);
});

afterAll(async () => {
  await sandbox.close();
});

describe('rate limit', () => {
  test('answers 429 above the rate', async () => {
    sandbox.setRatePerSecond(3);
    const responses = await Promise.all(Array.from({ length: 12 }, () => apiGet(sandbox, '/users/me', tokens.access_token)));
    const limited = responses.filter((response) => response.status === 429);

    // 12 requests can span at most two one-second windows, so at most 6 pass.
    expect(limited.length).toBeGreaterThanOrEqual(6);
    expect(responses.every((response) => response.status === 200 || response.status === 429)).toBe(true);
    for (const response of limited) {
      expect(response.headers.get('retry-after')).toBe('1');
      expect(await response.json()).toEqual({ message: 'local_rate_limited', error: 'local_rate_limited', status: 429, cause: [] });
    }
  });

  test('counts each application apart', async () => {
    sandbox.setRatePerSecond(2);
    const code = sandbox.issueAuthorizationCode({ clientId: OTHER_CLIENT_ID, userId: sellerId, redirectUri: REDIRECT_URI, codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM' });
    await Promise.all(Array.from({ length: 6 }, () => apiGet(sandbox, '/users/me', tokens.access_token)));
    const other = await fetch(`${sandbox.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: OTHER_CLIENT_ID,
        client_secret: 'other-secret',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
      }).toString(),
    });

    expect(other.status).toBe(200);
  });
});

describe('fault injection', () => {
  test('503 once then normal', async () => {
    sandbox.injectFault({ method: 'GET', path: '/users/me', status: 503 });
    const failed = await apiGet(sandbox, '/users/me', tokens.access_token);
    const next = await apiGet(sandbox, '/users/me', tokens.access_token);

    expect(failed.status).toBe(503);
    expect(await failed.json()).toMatchObject({ error: 'service_unavailable', status: 503 });
    expect(next.status).toBe(200);
  });

  test('custom body, headers and RegExp path', async () => {
    sandbox.injectFault({ path: /^\/users\//, status: 429, body: { message: 'slow down' }, headers: { 'retry-after': '7' }, times: 2 });
    const first = await apiGet(sandbox, '/users/me', tokens.access_token);
    const second = await apiGet(sandbox, `/users/${sellerId}`, tokens.access_token);
    const third = await apiGet(sandbox, '/users/me', tokens.access_token);

    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('7');
    expect(await first.json()).toEqual({ message: 'slow down' });
    expect(second.status).toBe(429);
    expect(third.status).toBe(200);
  });

  test('latency-only rule lets the request through', async () => {
    sandbox.injectFault({ path: '/users/me', latencyMs: 20 });
    const response = await apiGet(sandbox, '/users/me', tokens.access_token);

    expect(response.status).toBe(200);
  });

  test('fault does not match other methods', async () => {
    sandbox.injectFault({ method: 'PUT', path: '/users/me', status: 500, times: Infinity });

    expect((await apiGet(sandbox, '/users/me', tokens.access_token)).status).toBe(200);
  });
});

describe('request recorder', () => {
  test('records headers, bodies and status', async () => {
    const start = sandbox.requests.length;
    await apiGet(sandbox, '/users/me?caller=test', tokens.access_token);
    await fetch(`${sandbox.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=refresh_token&client_id=4444555566667777&client_secret=wrong&refresh_token=TG-x',
    });
    const [apiCall, tokenCall] = sandbox.requests.slice(start);

    expect(apiCall).toMatchObject({
      method: 'GET',
      path: '/users/me',
      query: { caller: 'test' },
      status: 200,
      rawBody: '',
      appClientId: CLIENT_ID,
    });
    expect(apiCall?.headers.authorization).toBe(`Bearer ${tokens.access_token}`);
    expect(tokenCall).toMatchObject({
      method: 'POST',
      path: '/oauth/token',
      status: 401,
      rawBody: 'grant_type=refresh_token&client_id=4444555566667777&client_secret=wrong&refresh_token=TG-x',
      body: { grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: 'wrong', refresh_token: 'TG-x' },
      appClientId: CLIENT_ID,
    });
    expect(tokenCall?.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  test('records unknown paths with 404', async () => {
    const start = sandbox.requests.length;
    const response = await fetch(`${sandbox.url}/sites/MLM/unknown`);

    expect(response.status).toBe(404);
    expect(sandbox.requests.slice(start)).toMatchObject([{ method: 'GET', path: '/sites/MLM/unknown', status: 404 }]);
  });
});
