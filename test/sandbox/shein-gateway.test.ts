import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { SheinSandbox } from '../../src/sandbox/shein/index.js';
import {
  APP_ID,
  APP_SECRET,
  connectSeller,
  decrypt,
  errorEnvelopeSchema,
  exchange,
  postJson,
  REDIRECT_URL,
  sellerPost,
  shoes,
  signFor,
  startTestSandbox,
  type SellerKeys,
} from './shein-helpers.js';

const QUERY_PATH = '/open-api/openapi-business-backend/product/query';

let sandbox: SheinSandbox;
let supplierId: number;
let keys: SellerKeys;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  supplierId = sandbox.seedSeller({ name: 'ZAPATERIA_CENTRO', products: shoes(2, 'CEN') }).supplierId;
  keys = await connectSeller(sandbox, supplierId);
});

beforeEach(() => {
  sandbox.clearFaults();
  sandbox.setRequestSpacing(0);
});

afterAll(async () => {
  await sandbox.close();
});

function empowerQuery(overrides: Record<string, string> = {}): URLSearchParams {
  return new URLSearchParams({ appid: APP_ID, redirectUrl: Buffer.from(REDIRECT_URL).toString('base64'), state: 'st-1', ...overrides });
}

describe('empower page', () => {
  test('renders in Spanish', async () => {
    const response = await fetch(`${sandbox.url}/empower?${empowerQuery().toString()}`);
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(html).toContain('<html lang="es-MX">');
    expect(html).toContain('Autorizar');
    expect(html).toContain('Cancelar');
    expect(html).toContain(`value="${supplierId}"`);
  });

  test('rejects a bad redirect', async () => {
    const plain = await fetch(`${sandbox.url}/empower?${empowerQuery({ redirectUrl: REDIRECT_URL }).toString()}`);
    const other = await fetch(`${sandbox.url}/empower?${empowerQuery({ redirectUrl: Buffer.from('https://evil.example/cb').toString('base64') }).toString()}`);
    const unknownApp = await fetch(`${sandbox.url}/empower?${empowerQuery({ appid: 'NOPE' }).toString()}`);

    expect(plain.status).toBe(400);
    expect(await plain.text()).toContain('base64');
    expect(other.status).toBe(400);
    expect(await other.text()).toContain('no está registrada');
    expect(unknownApp.status).toBe(400);
  });

  test('redirects with a tempToken', async () => {
    const form = empowerQuery();
    form.set('supplierId', String(supplierId));
    form.set('decision', 'allow');
    const response = await fetch(`${sandbox.url}/empower/decision`, { method: 'POST', body: form, redirect: 'manual' });
    const location = new URL(response.headers.get('location') ?? '');

    expect(response.status).toBe(302);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URL);
    expect([...location.searchParams.keys()].sort()).toEqual(['appid', 'state', 'tempToken']);
    expect(location.searchParams.get('appid')).toBe(APP_ID);
    expect(location.searchParams.get('state')).toBe('st-1');
    expect(location.searchParams.get('tempToken')).toMatch(/^[0-9a-f]{32}$/);
  });

  test('redirects a denial without tempToken', async () => {
    const form = empowerQuery();
    form.set('decision', 'deny');
    const response = await fetch(`${sandbox.url}/empower/decision`, { method: 'POST', body: form, redirect: 'manual' });
    const location = new URL(response.headers.get('location') ?? '');

    expect(location.searchParams.get('tempToken')).toBeNull();
    expect(location.searchParams.get('error')).toBe('access_denied');
  });
});

describe('key exchange', () => {
  test('returns encrypted keys once', async () => {
    const tempToken = sandbox.issueAuthorizationCode({ appId: APP_ID, supplierId, state: 'st-9' });
    const response = await exchange(sandbox, tempToken);
    const body = (await response.json()) as { code: string; msg: string; info: Record<string, unknown>; traceId: string };

    expect(response.status).toBe(200);
    expect(body.code).toBe('0');
    expect(body.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(body.info).toEqual({
      openKeyId: expect.stringMatching(/^[0-9A-F]{32}$/),
      secretKey: expect.any(String),
      appid: APP_ID,
      state: 'st-9',
      supplierId,
      supplierSource: 1,
      supplierBusinessMode: 'SEMI_MANAGED',
    });
    expect(body.info.secretKey).not.toMatch(/^[0-9A-F]{32}$/);
    expect(decrypt(String(body.info.secretKey), APP_SECRET)).toMatch(/^[0-9A-F]{32}$/);

    const again = await exchange(sandbox, tempToken);
    expect(again.status).toBe(400);
    expect(errorEnvelopeSchema.parse(await again.json()).code).toBe('100006');
  });

  test('expires tempTokens after 10 minutes', async () => {
    sandbox.advanceClock(-10 * 60_000 - 1_000);
    const tempToken = sandbox.issueAuthorizationCode({ appId: APP_ID, supplierId });
    sandbox.advanceClock(10 * 60_000 + 1_000);

    const response = await exchange(sandbox, tempToken);
    expect(errorEnvelopeSchema.parse(await response.json()).code).toBe('100006');
  });

  test('requires the app signature', async () => {
    const tempToken = sandbox.issueAuthorizationCode({ appId: APP_ID, supplierId });
    const unsigned = await postJson(sandbox, '/open-api/auth/get-by-token', { tempToken }, {});
    const wrong = await exchange(sandbox, tempToken, 'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF');

    expect(unsigned.status).toBe(401);
    expect(errorEnvelopeSchema.parse(await unsigned.json()).code).toBe('100001');
    expect(wrong.status).toBe(401);
    expect(errorEnvelopeSchema.parse(await wrong.json()).code).toBe('100002');
    // The failed calls did not use the tempToken.
    expect((await exchange(sandbox, tempToken)).status).toBe(200);
  });
});

describe('request signature', () => {
  // The key exchange tests above authorized the seller again, which replaced its keys.
  beforeAll(async () => {
    keys = await connectSeller(sandbox, supplierId);
  });

  test('accepts a signed call', async () => {
    const response = await sellerPost(sandbox, keys, QUERY_PATH, { pageNum: 1, pageSize: 10 });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ code: '0', msg: 'OK', info: { meta: { count: 2 } } });
  });

  test('rejects a wrong signature', async () => {
    const response = await sellerPost(sandbox, keys, QUERY_PATH, { pageNum: 1, pageSize: 10 }, { secret: 'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF' });
    const body = errorEnvelopeSchema.parse(await response.json());

    expect(response.status).toBe(401);
    expect(body.code).toBe('100002');
    expect(body.msg).toMatch(/Signature verification failed/);
  });

  test('signs the path without query', async () => {
    const timestamp = String(Date.now());
    const headers = { 'x-lt-openKeyId': keys.openKeyId, 'x-lt-timestamp': timestamp };
    const withQuery = await postJson(sandbox, `${QUERY_PATH}?lang=es`, { pageNum: 1, pageSize: 1 }, { ...headers, 'x-lt-signature': signFor(keys.openKeyId, keys.secretKey, `${QUERY_PATH}?lang=es`, timestamp) });
    const pathOnly = await postJson(sandbox, `${QUERY_PATH}?lang=es`, { pageNum: 1, pageSize: 1 }, { ...headers, 'x-lt-signature': signFor(keys.openKeyId, keys.secretKey, QUERY_PATH, timestamp) });

    expect(withQuery.status).toBe(401);
    expect(pathOnly.status).toBe(200);
  });

  test('rejects missing headers', async () => {
    const response = await postJson(sandbox, QUERY_PATH, { pageNum: 1, pageSize: 1 }, { 'x-lt-openKeyId': keys.openKeyId });
    const body = errorEnvelopeSchema.parse(await response.json());

    expect(response.status).toBe(401);
    expect(body.code).toBe('100001');
    expect(body.msg).toContain('x-lt-timestamp, x-lt-signature');
  });

  test('rejects timestamps outside five minutes', async () => {
    const old = await sellerPost(sandbox, keys, QUERY_PATH, { pageNum: 1, pageSize: 1 }, { timestamp: Date.now() - 5 * 60_000 - 5_000 });
    const future = await sellerPost(sandbox, keys, QUERY_PATH, { pageNum: 1, pageSize: 1 }, { timestamp: Date.now() + 5 * 60_000 + 5_000 });
    const seconds = await sellerPost(sandbox, keys, QUERY_PATH, { pageNum: 1, pageSize: 1 }, { timestamp: Math.floor(Date.now() / 1000) });
    const recent = await sellerPost(sandbox, keys, QUERY_PATH, { pageNum: 1, pageSize: 1 }, { timestamp: Date.now() - 4 * 60_000 });

    for (const response of [old, future, seconds]) {
      expect(response.status).toBe(401);
      expect(errorEnvelopeSchema.parse(await response.json()).code).toBe('100003');
    }
    expect(recent.status).toBe(200);
  });

  test('rejects replaced, revoked and lapsed keys', async () => {
    const replaced = await connectSeller(sandbox, supplierId);
    keys = await connectSeller(sandbox, supplierId);
    const responseReplaced = await sellerPost(sandbox, replaced, QUERY_PATH, { pageNum: 1, pageSize: 1 });
    expect(errorEnvelopeSchema.parse(await responseReplaced.json()).code).toBe('100004');

    sandbox.revokeAuthorization(supplierId, APP_ID);
    const revoked = await sellerPost(sandbox, keys, QUERY_PATH, { pageNum: 1, pageSize: 1 });
    expect(revoked.status).toBe(401);
    expect(errorEnvelopeSchema.parse(await revoked.json()).code).toBe('100004');

    keys = await connectSeller(sandbox, supplierId);
    sandbox.expireAccessTokens();
    const lapsed = await sellerPost(sandbox, keys, QUERY_PATH, { pageNum: 1, pageSize: 1 });
    expect(errorEnvelopeSchema.parse(await lapsed.json()).code).toBe('100004');
    keys = await connectSeller(sandbox, supplierId);
  });
});

describe('rate limit', () => {
  test('answers 429 with 832213 below the spacing', async () => {
    const fresh = await connectSeller(sandbox, sandbox.seedSeller({ name: 'NUEVA', products: shoes(1, 'NUE') }).supplierId);
    sandbox.setRequestSpacing(150);
    const responses = await Promise.all(Array.from({ length: 3 }, () => sellerPost(sandbox, fresh, QUERY_PATH, { pageNum: 1, pageSize: 1 })));
    const limited = responses.filter((response) => response.status === 429);

    // Three calls sent at once arrive within 150 ms, so only the first one passes.
    expect(responses.filter((response) => response.status === 200)).toHaveLength(1);
    expect(limited).toHaveLength(2);
    for (const response of limited) {
      const body = errorEnvelopeSchema.parse(await response.json());
      expect(body.code).toBe('832213');
      expect(body.msg).toContain('限流');
    }
  });

  test('counts each seller apart', async () => {
    const firstSeller = await connectSeller(sandbox, sandbox.seedSeller({ name: 'UNA', products: shoes(1, 'UNA') }).supplierId);
    const other = await connectSeller(sandbox, sandbox.seedSeller({ name: 'OTRA', products: shoes(1, 'OTR') }).supplierId);
    sandbox.setRequestSpacing(10_000);

    const first = await sellerPost(sandbox, firstSeller, QUERY_PATH, { pageNum: 1, pageSize: 1 });
    const second = await sellerPost(sandbox, other, QUERY_PATH, { pageNum: 1, pageSize: 1 });
    const third = await sellerPost(sandbox, firstSeller, QUERY_PATH, { pageNum: 1, pageSize: 1 });

    expect([first.status, second.status, third.status]).toEqual([200, 200, 429]);
  });
});

describe('fault injection', () => {
  test('503 once then normal', async () => {
    sandbox.injectFault({ method: 'POST', path: QUERY_PATH, status: 503 });
    const failed = await sellerPost(sandbox, keys, QUERY_PATH, { pageNum: 1, pageSize: 1 });
    const next = await sellerPost(sandbox, keys, QUERY_PATH, { pageNum: 1, pageSize: 1 });

    expect(failed.status).toBe(503);
    expect(errorEnvelopeSchema.parse(await failed.json()).code).toBe('500000');
    expect(next.status).toBe(200);
  });

  test('custom body, headers and RegExp path', async () => {
    sandbox.injectFault({ path: /^\/open-api\//, status: 429, body: { code: '832213', msg: 'slow', info: null, traceId: 'x' }, headers: { 'retry-after': '7' }, times: 2 });
    const first = await sellerPost(sandbox, keys, QUERY_PATH, { pageNum: 1, pageSize: 1 });
    const second = await sellerPost(sandbox, keys, '/open-api/goods/spu-info', { spuName: 'x' });
    const third = await sellerPost(sandbox, keys, QUERY_PATH, { pageNum: 1, pageSize: 1 });

    expect([first.status, second.status, third.status]).toEqual([429, 429, 200]);
    expect(first.headers.get('retry-after')).toBe('7');
    expect(await first.json()).toEqual({ code: '832213', msg: 'slow', info: null, traceId: 'x' });
  });

  test('unknown paths answer in SHEIN shape', async () => {
    const response = await sellerPost(sandbox, keys, '/open-api/nothing/here', {});
    expect(response.status).toBe(404);
    expect(errorEnvelopeSchema.parse(await response.json()).code).toBe('200404');
  });

  test('records requests', async () => {
    const before = sandbox.requests.length;
    await sellerPost(sandbox, keys, QUERY_PATH, { pageNum: 1, pageSize: 2 });
    const record = sandbox.requests[before];

    expect(record).toMatchObject({ method: 'POST', path: QUERY_PATH, body: { pageNum: 1, pageSize: 2 }, rawBody: '{"pageNum":1,"pageSize":2}', status: 200 });
    expect(record?.headers['x-lt-openkeyid']).toBe(keys.openKeyId);
  });
});
