import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { z } from 'zod';
import type { SeededSeller, TikTokSandbox } from '../../src/sandbox/tiktok/index.js';
import { APP_KEY, connectSeller, errorBodySchema, REDIRECT_URL, SERVICE_ID, shoes, startTestSandbox, tokenCall, tokenDataSchema } from './tiktok-helpers.js';

let sandbox: TikTokSandbox;
let first: SeededSeller;
let second: SeededSeller;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  first = sandbox.seedSeller({ sellerName: 'Zapatería Centro', shops: [{ name: 'CENTRO_MX', products: shoes(1, 'CEN') }] });
  second = sandbox.seedSeller({ sellerName: 'Calzado Norte', shops: [{ name: 'NORTE_MX' }, { name: 'NORTE_US', region: 'US' }] });
});

afterAll(async () => {
  await sandbox.close();
});

afterEach(() => {
  vi.useRealTimers();
});

function decide(fields: Record<string, string>): Promise<Response> {
  return fetch(`${sandbox.url}/open/authorize/decision`, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
}

async function tokenError(response: Response): Promise<number> {
  expect(response.status).toBe(200);
  return errorBodySchema.parse(await response.json()).code;
}

describe('TikTok sandbox consent page', () => {
  test('lists seeded sellers in es-MX', async () => {
    const response = await fetch(`${sandbox.url}/open/authorize?service_id=${SERVICE_ID}&state=estado-1`);
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(html).toContain('<html lang="es-MX">');
    expect(html).toContain(`solicita acceso a tu tienda`);
    expect(html).toContain('>Autorizar</button>');
    expect(html).toContain('>Cancelar</button>');
    expect(html).toContain(`value="${first.openId}" checked`);
    expect(html).toContain('NORTE_US (US)');
    expect(html).toContain('<input type="hidden" name="state" value="estado-1">');
  });

  test('explains an unknown service id', async () => {
    const response = await fetch(`${sandbox.url}/open/authorize?service_id=999`);

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('El servicio &quot;999&quot; no existe.');
  });

  test('redirects with code and state on consent', async () => {
    const response = await decide({ service_id: SERVICE_ID, state: 'estado-2', open_id: second.openId, decision: 'allow' });
    const location = new URL(response.headers.get('location') ?? '');

    expect(response.status).toBe(302);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URL);
    expect(location.searchParams.get('state')).toBe('estado-2');
    expect(location.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  test('redirects with auth_denied on refusal', async () => {
    const response = await decide({ service_id: SERVICE_ID, state: 'estado-3', open_id: second.openId, decision: 'deny' });
    const location = new URL(response.headers.get('location') ?? '');

    expect(Object.fromEntries(location.searchParams)).toEqual({ code: 'null', error: 'auth_denied', state: 'estado-3' });
  });
});

describe('TikTok sandbox token endpoints', () => {
  test('issues tokens with Unix expiry timestamps', async () => {
    const code = sandbox.issueAuthorizationCode({ appKey: APP_KEY, openId: first.openId });
    const response = await tokenCall(sandbox, '/api/v2/token/get', { auth_code: code, grant_type: 'authorized_code' });
    const body = z.object({ code: z.literal(0), message: z.string(), request_id: z.string(), data: tokenDataSchema }).parse(await response.json());

    const nowSeconds = Date.now() / 1000;
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(body.data.open_id).toBe(first.openId);
    expect(body.data.seller_name).toBe('Zapatería Centro');
    expect(body.data.access_token_expire_in).toBeGreaterThan(nowSeconds + 7 * 86_400 - 60);
    expect(body.data.access_token_expire_in).toBeLessThanOrEqual(nowSeconds + 7 * 86_400);
    expect(body.data.refresh_token_expire_in).toBeGreaterThan(nowSeconds + 364 * 86_400);
    expect(body.data.granted_scopes).toContain('seller.product.write');
  });

  test('accepts an auth code once', async () => {
    const code = sandbox.issueAuthorizationCode({ appKey: APP_KEY, openId: first.openId });
    await tokenCall(sandbox, '/api/v2/token/get', { auth_code: code, grant_type: 'authorized_code' });

    const again = await tokenCall(sandbox, '/api/v2/token/get', { auth_code: code, grant_type: 'authorized_code' });

    expect(await tokenError(again)).toBe(36004005);
  });

  test('expires an auth code after 30 minutes', async () => {
    const code = sandbox.issueAuthorizationCode({ appKey: APP_KEY, openId: first.openId });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 31 * 60_000);

    const response = await tokenCall(sandbox, '/api/v2/token/get', { auth_code: code, grant_type: 'authorized_code' });

    expect(await tokenError(response)).toBe(36004001);
  });

  test('rejects wrong app credentials and grant types', async () => {
    const code = sandbox.issueAuthorizationCode({ appKey: APP_KEY, openId: first.openId });
    const wrongSecret = await fetch(`${sandbox.url}/api/v2/token/get?app_key=${APP_KEY}&app_secret=nope&auth_code=${code}&grant_type=authorized_code`);
    const wrongGrant = await tokenCall(sandbox, '/api/v2/token/get', { auth_code: code, grant_type: 'authorization_code' });

    expect(await tokenError(wrongSecret)).toBe(36004003);
    expect(await tokenError(wrongGrant)).toBe(36004002);
  });

  test('rotates the refresh token', async () => {
    const tokens = await connectSeller(sandbox, second.openId);
    const response = await tokenCall(sandbox, '/api/v2/token/refresh', { refresh_token: tokens.refresh_token, grant_type: 'refresh_token' });
    const refreshed = z.object({ code: z.literal(0), data: tokenDataSchema }).parse(await response.json()).data;

    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    // The refresh token lives as long as the seller's authorization, which a refresh does not extend.
    expect(refreshed.refresh_token_expire_in).toBe(tokens.refresh_token_expire_in);
    const reused = await tokenCall(sandbox, '/api/v2/token/refresh', { refresh_token: tokens.refresh_token, grant_type: 'refresh_token' });
    expect(await tokenError(reused)).toBe(36004005);
  });

  test('kills tokens on revocation', async () => {
    const tokens = await connectSeller(sandbox, second.openId);
    sandbox.revokeAuthorization(second.openId, APP_KEY);

    const response = await tokenCall(sandbox, '/api/v2/token/refresh', { refresh_token: tokens.refresh_token, grant_type: 'refresh_token' });

    expect(await tokenError(response)).toBe(36004005);
  });
});
