import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { SCOPES, type SeededSeller, type TikTokSandbox } from '../../src/sandbox/tiktok/index.js';
import { APP_SECRET, apiCall, connectSeller, dataOf, errorBodySchema, shoes, startTestSandbox, testApp, type ApiCall, type TokenData } from './tiktok-helpers.js';

const SHOPS = '/authorization/202309/shops';
const SEARCH = '/product/202312/products/search';

let sandbox: TikTokSandbox;
let seller: SeededSeller;
let other: SeededSeller;
let tokens: TokenData;
let cipher: string;

beforeAll(async () => {
  sandbox = await startTestSandbox({ apps: [testApp(), testApp({ appKey: 'read-only-app', serviceId: '7172000000000070161', scopes: [SCOPES.authorization, SCOPES.productRead] })] });
  seller = sandbox.seedSeller({ sellerName: 'Zapatería API', shops: [{ name: 'API_MX', products: shoes(2, 'API') }, { name: 'API_US', region: 'US' }] });
  other = sandbox.seedSeller({ sellerName: 'Otra', shops: [{ name: 'OTRA_MX' }] });
  tokens = await connectSeller(sandbox, seller.openId);
  cipher = seller.shops[0]?.cipher ?? '';
});

beforeEach(() => {
  sandbox.clearFaults();
  sandbox.setRatePerSecond(50);
});

afterAll(async () => {
  await sandbox.close();
});

/** Sends the call and returns the TikTok error code after checking the error body shape and status. */
async function rejected(call: ApiCall, status: number): Promise<{ code: number; message: string }> {
  const response = await apiCall(sandbox, call);
  expect(response.status).toBe(status);
  const body = errorBodySchema.parse(response.body);
  return { code: body.code, message: body.message };
}

function search(overrides: Partial<ApiCall> = {}): ApiCall {
  return { path: SEARCH, accessToken: tokens.access_token, shopCipher: cipher, query: { page_size: '10' }, body: '{}', ...overrides };
}

describe('TikTok sandbox signed requests', () => {
  test('lists the authorized shops', async () => {
    const response = await apiCall(sandbox, { path: SHOPS, accessToken: tokens.access_token });
    const data = dataOf(response.body, z.object({ shops: z.array(z.strictObject({ id: z.string(), name: z.string(), region: z.string(), seller_type: z.string(), cipher: z.string(), code: z.string() })) }));

    expect(response.status).toBe(200);
    expect(data.shops.map((shop) => [shop.id, shop.region, shop.cipher])).toEqual(seller.shops.map((shop) => [shop.shopId, shop.region, shop.cipher]));
    expect(data.shops[0]?.code).toMatch(/^MX[A-Z0-9]{8}$/);
    expect(data.shops[0]?.cipher).toMatch(/^GCP_[A-Za-z0-9_-]{32}$/);
  });

  test('accepts a signed body and an ignored access_token parameter', async () => {
    const response = await apiCall(sandbox, search({ query: { page_size: '10', access_token: 'ignored-by-the-signature' }, body: '{"status":"ACTIVATE"}' }));

    expect(response.status).toBe(200);
  });

  test('rejects a body that differs from the signed one', async () => {
    const result = await rejected(search({ body: '{}', sentBody: '{ }' }), 401);

    expect(result).toEqual({ code: 106001, message: 'Invalid credentials. The sign query parameter is invalid.' });
  });

  test('rejects an upper-case or wrong-secret sign', async () => {
    const response = await apiCall(sandbox, search());
    expect(response.status).toBe(200);
    const query = sandbox.requests.at(-1)?.query ?? {};

    expect((await rejected(search({ sign: (query.sign ?? '').toUpperCase(), timestamp: Number(query.timestamp) }), 401)).code).toBe(106001);
    expect((await rejected(search({ appSecret: `${APP_SECRET}x` }), 401)).code).toBe(106001);
    expect((await rejected(search({ sign: 'abc' }), 401)).code).toBe(106001);
  });

  test('rejects a request without sign or with an unknown app key', async () => {
    expect(await rejected(search({ sign: null }), 401)).toEqual({ code: 36009004, message: 'Missing credentials. The request does not include a required signature in the query.' });
    expect((await rejected(search({ query: { page_size: '10', app_key: 'unknown' } }), 401)).message).toContain('app_key');
  });

  test('enforces the timestamp window', async () => {
    const now = Math.floor(Date.now() / 1000);

    expect((await rejected(search({ timestamp: now - 301 }), 401)).message).toContain('must not be earlier than 5 minutes');
    expect((await rejected(search({ timestamp: now + 35 }), 401)).message).toContain('must not exceed the current time by more than 30 seconds');
    expect((await apiCall(sandbox, search({ timestamp: now - 290 }))).status).toBe(200);
    expect((await apiCall(sandbox, search({ timestamp: now + 25 }))).status).toBe(200);
  });

  test('checks the access token', async () => {
    expect((await rejected(search({ accessToken: 'ROW_unknown' }), 401)).code).toBe(36009004);
    expect((await rejected(search({ accessToken: undefined }), 401)).message).toContain('x-tts-access-token');

    const expiring = await connectSeller(sandbox, seller.openId);
    sandbox.expireAccessTokens(seller.openId);
    expect((await rejected(search({ accessToken: expiring.access_token }), 401)).code).toBe(105002);
    tokens = await connectSeller(sandbox, seller.openId);
  });

  test('checks the scope', async () => {
    const code = sandbox.issueAuthorizationCode({ appKey: 'read-only-app', openId: seller.openId });
    const response = await fetch(`${sandbox.url}/api/v2/token/get?app_key=read-only-app&app_secret=${APP_SECRET}&auth_code=${code}&grant_type=authorized_code`);
    const readOnly = dataOf(await response.json(), z.object({ access_token: z.string() }));
    const productId = seller.shops[0]?.productIds[0] ?? '';
    const call: ApiCall = {
      path: `/product/202309/products/${productId}/inventory/update`,
      query: { app_key: 'read-only-app' },
      accessToken: readOnly.access_token,
      shopCipher: cipher,
      body: '{"skus":[]}',
    };

    expect((await rejected(call, 403)).code).toBe(105005);
  });

  test('checks the shop cipher', async () => {
    expect(await rejected(search({ shopCipher: undefined }), 400)).toEqual({
      code: 106013,
      message: 'Missing identifier. The shop_cipher query parameter is required to identify the target shop.',
    });
    expect((await rejected({ path: SHOPS, accessToken: tokens.access_token, shopCipher: cipher }, 401)).message).toContain('Unexpected identifier');
    expect((await rejected(search({ shopCipher: other.shops[0]?.cipher }), 403)).code).toBe(101000);
  });

  test('answers an unknown path with 36009009', async () => {
    const response = await fetch(`${sandbox.url}/product/202309/nothing`);

    expect(response.status).toBe(404);
    expect(errorBodySchema.parse(await response.json()).code).toBe(36009009);
  });
});

describe('TikTok sandbox rate limit and faults', () => {
  test('limits each API separately', async () => {
    sandbox.setRatePerSecond(1);
    // Starts at the beginning of a second so that the three calls share one window.
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));

    const firstSearch = await apiCall(sandbox, search());
    const shops = await apiCall(sandbox, { path: SHOPS, accessToken: tokens.access_token });
    const secondSearch = await apiCall(sandbox, search());

    expect(firstSearch.status).toBe(200);
    expect(shops.status).toBe(200);
    expect(secondSearch.status).toBe(429);
    expect(errorBodySchema.parse(secondSearch.body).code).toBe(36009002);
    expect(secondSearch.headers.get('retry-after')).toBeNull();
  });

  test('counts each shop separately', async () => {
    sandbox.setRatePerSecond(1);
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));

    const mexico = await apiCall(sandbox, search());
    const unitedStates = await apiCall(sandbox, search({ shopCipher: seller.shops[1]?.cipher }));

    expect([mexico.status, unitedStates.status]).toEqual([200, 200]);
  });

  test('injects a fault a set number of times', async () => {
    sandbox.injectFault({ method: 'POST', path: SEARCH, status: 503, times: 2 });

    const statuses = [];
    for (let attempt = 0; attempt < 3; attempt++) statuses.push((await apiCall(sandbox, search())).status);

    expect(statuses).toEqual([503, 503, 200]);
    expect(sandbox.requests.slice(-3).map((request) => request.status)).toEqual([503, 503, 200]);
  });

  test('records requests with raw body and headers', async () => {
    await apiCall(sandbox, search({ body: '{"seller_skus":["API0_PLATA23"]}' }));
    const record = sandbox.requests.at(-1);

    expect(record).toMatchObject({ method: 'POST', path: SEARCH, status: 200, rawBody: '{"seller_skus":["API0_PLATA23"]}', body: { seller_skus: ['API0_PLATA23'] } });
    expect(record?.headers['x-tts-access-token']).toBe(tokens.access_token);
    expect(record?.query.shop_cipher).toBe(cipher);
  });
});
