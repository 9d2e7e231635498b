import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  buildAuthorizationUrl,
  buildSignPayload,
  classifyTikTokError,
  computeSign,
  computeWebhookSignature,
  createTikTokConfig,
  mapOrder,
  mapProductToListings,
  mapTikTokError,
  parseNotificationBody,
  parseWebhook,
  pickDefaultWarehouse,
  readCallback,
  resolveAccessTokenExpiry,
  selectShop,
  verifyWebhookSignature,
} from '../../src/connectors/tiktok/index.js';
import { MarketplaceError } from '../../src/connectors/shared/index.js';

const config = createTikTokConfig({
  appKey: '29a39d',
  appSecret: 'e59af819cc',
  serviceId: '7172000000000070150',
  redirectUri: 'https://app.example.test/oauth/tiktok/callback',
});

describe('TikTok request signing', () => {
  it('matches the published vector', () => {
    const input = { appSecret: 'e59af819cc', path: '/authorization/202309/shops', query: { app_key: '29a39d', timestamp: '1623812664' } };

    expect(buildSignPayload(input)).toBe('e59af819cc/authorization/202309/shopsapp_key29a39dtimestamp1623812664e59af819cc');
    expect(computeSign(input)).toBe('b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8');
  });

  it('sorts keys and leaves out sign and access_token', () => {
    const payload = buildSignPayload({
      appSecret: 's3cr3t',
      path: '/product/202312/products/search',
      query: { timestamp: '1700000000', sign: 'old', access_token: 'ROW_x', shop_cipher: 'GCP_abc', app_key: 'k', page_size: '20' },
      body: '{"status":"ACTIVATE"}',
    });

    expect(payload).toBe('s3cr3t/product/202312/products/searchapp_keykpage_size20shop_cipherGCP_abctimestamp1700000000{"status":"ACTIVATE"}s3cr3t');
  });

  it('signs with lowercase hex HMAC-SHA256', () => {
    const input = { appSecret: 'key-1', path: '/order/202309/orders', query: { ids: '576000000000000001', app_key: 'a' } };
    const independent = createHmac('sha256', 'key-1').update('key-1/order/202309/ordersapp_keyaids576000000000000001key-1').digest('hex');

    expect(computeSign(input)).toBe(independent);
    expect(computeSign(input)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('TikTok configuration', () => {
  it('fills in the production hosts', () => {
    expect(config.authorizeUrl).toBe('https://services.tiktokshop.com/open/authorize');
    expect(config.authBaseUrl).toBe('https://auth.tiktok-shops.com');
    expect(config.apiBaseUrl).toBe('https://open-api.tiktokglobalshop.com');
    expect(config.preferredRegion).toBe('MX');
  });

  it('lists every invalid key without the secret', () => {
    const attempt = () => createTikTokConfig({ appKey: '', appSecret: 'super-secret-value', serviceId: '', redirectUri: 'not a url' });
    expect(attempt).toThrow(/appKey/);
    expect(attempt).toThrow(/serviceId/);
    expect(attempt).toThrow(/redirectUri/);
    expect(attempt).not.toThrow(/super-secret-value/);
  });
});

describe('TikTok authorization link and callback', () => {
  it('builds the service authorization link', () => {
    const url = new URL(buildAuthorizationUrl(config, '  state-123 '));
    expect(url.origin + url.pathname).toBe('https://services.tiktokshop.com/open/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({ service_id: '7172000000000070150', state: 'state-123' });
  });

  it('rejects an empty state', () => {
    expect(() => buildAuthorizationUrl(config, ' ')).toThrow(/state/);
  });

  it('reads code, refusal and missing code', () => {
    expect(readCallback({ code: 'FeBoANmHP3yqdoUI9fZOCw', state: 's' })).toEqual({ ok: true, code: 'FeBoANmHP3yqdoUI9fZOCw' });
    expect(readCallback({ code: 'null', error: 'auth_denied', state: 's' })).toEqual({ ok: false, reason: 'access_denied', detail: 'auth_denied' });
    expect(readCallback({ code: 'null', state: 's' })).toEqual({ ok: false, reason: 'code_missing' });
    expect(readCallback({ state: 's' })).toEqual({ ok: false, reason: 'code_missing' });
  });
});

describe('TikTok error classification', () => {
  const cases: Array<{ status: number; code: number | null; message?: string; kind: string; name: string | undefined }> = [
    { status: 401, code: 105002, kind: 'auth', name: 'token_expired' },
    { status: 401, code: 106001, kind: 'invalid_input', name: 'invalid_sign' },
    { status: 401, code: 36009004, message: 'Invalid timestamp. The value must not be earlier than 5 minutes', kind: 'transient', name: 'timestamp_out_of_window' },
    { status: 401, code: 36009004, message: 'Invalid credentials. The x-tts-access-token header is invalid.', kind: 'auth', name: 'invalid_credentials' },
    { status: 403, code: 105005, kind: 'auth', name: 'scope_missing' },
    { status: 403, code: 101000, kind: 'auth', name: 'token_shop_mismatch' },
    { status: 429, code: 36009002, kind: 'throttled', name: 'too_many_requests' },
    { status: 200, code: 36009002, kind: 'throttled', name: 'too_many_requests' },
    { status: 429, code: null, kind: 'throttled', name: 'too_many_requests' },
    { status: 503, code: null, kind: 'transient', name: 'service_unavailable' },
    { status: 400, code: 106013, kind: 'invalid_input', name: 'shop_cipher_missing' },
    { status: 200, code: 36004005, kind: 'auth', name: 'invalid_grant' },
    { status: 404, code: 12052048, kind: 'not_found', name: '12052048' },
  ];
  for (const testCase of cases) {
    it(`classifies HTTP ${testCase.status} code ${testCase.code ?? 'none'} as ${testCase.name}`, () => {
      expect(classifyTikTokError(testCase.status, testCase.code, testCase.message)).toEqual({ kind: testCase.kind, code: testCase.name });
    });
  }

  it('keeps no Retry-After when TikTok sends none', () => {
    const error = mapTikTokError({ method: 'GET', path: '/order/202309/orders', status: 429, headers: new Headers(), body: { code: 36009002, message: 'Too many requests', request_id: 'r1', data: {} } });
    expect(error.kind).toBe('throttled');
    expect(error.retryAfterSeconds).toBeUndefined();
    expect(error.details).toEqual({ code: 36009002, requestId: 'r1' });
  });

  it('redacts tokens and secrets from messages', () => {
    const token = 'ROW_abcdefghijklmnopqrstuvwxyz0123456789ABCD';
    const error = mapTikTokError(
      { method: 'GET', path: '/api/v2/token/get', status: 200, headers: new Headers(), body: { code: 36004005, message: `bad ${token} with app-secret-value-1` } },
      ['app-secret-value-1'],
    );
    expect(error).toBeInstanceOf(MarketplaceError);
    expect(error.message).not.toContain(token);
    expect(error.message).not.toContain('app-secret-value-1');
    expect(error.marketplaceMessage).toBe('bad [REDACTED] with [REDACTED]');
  });
});

describe('TikTok access token expiry', () => {
  const now = Date.UTC(2026, 0, 10, 12, 0, 0);
  const nowSeconds = now / 1000;

  it('reads a Unix timestamp', () => {
    expect(resolveAccessTokenExpiry(nowSeconds + 3600, now).getTime()).toBe(now + 3_600_000);
  });

  it('falls back for odd values', () => {
    expect(resolveAccessTokenExpiry(undefined, now).getTime()).toBe(now + 86_400_000);
    expect(resolveAccessTokenExpiry('soon', now).getTime()).toBe(now + 86_400_000);
    expect(resolveAccessTokenExpiry(604_800, now).getTime()).toBe(now + 604_800_000);
    expect(resolveAccessTokenExpiry(nowSeconds - 60, now).getTime()).toBe(now);
    expect(resolveAccessTokenExpiry(nowSeconds + 30 * 86_400, now).getTime()).toBe(now + 604_800_000);
  });
});

describe('TikTok shop choice', () => {
  const shop = (id: string, region: string) => ({ id, name: `Tienda ${id}`, region, cipher: `GCP_${id}`, seller_type: 'LOCAL', code: null });

  it('prefers the first shop in MX', () => {
    expect(selectShop([shop('1', 'US'), shop('2', 'MX'), shop('3', 'MX')], 'MX').id).toBe('2');
    expect(selectShop([shop('1', 'US'), shop('4', 'GB')], 'MX').id).toBe('1');
  });

  it('rejects an authorization without shops', () => {
    expect(() => selectShop([], 'MX')).toThrow(MarketplaceError);
  });

  it('picks the default sales warehouse', () => {
    const sales = (id: string, isDefault: boolean) => ({ id, name: null, effect_status: 'ENABLED', type: 'SALES_WAREHOUSE', is_default: isDefault });
    expect(pickDefaultWarehouse([sales('1', false), sales('2', true)])?.id).toBe('2');
    expect(pickDefaultWarehouse([{ ...sales('9', false), type: 'RETURN_WAREHOUSE' }, sales('3', false)])?.id).toBe('3');
    expect(pickDefaultWarehouse([sales('1', false), sales('2', false)])).toBeNull();
  });
});

describe('TikTok mapping', () => {
  it('maps each SKU to a listing', () => {
    const listings = mapProductToListings({
      id: '1729000000000000001',
      title: 'Tacones Gabrielas 200 Plata',
      status: 'ACTIVATE',
      create_time: 1_700_000_000,
      update_time: 1_700_000_100,
      skus: [
        {
          id: '1729100000000000001',
          seller_sku: 'GABR200_PLATA23',
          price: { amount: 418, sale_price: 399, currency: 'MXN' },
          inventory: [
            { warehouse_id: '1', quantity: 2 },
            { warehouse_id: '2', quantity: 3 },
          ],
          sales_attributes: [
            { id: '100000', name: 'Talla', value_id: null, value_name: '23' },
            { id: '100001', name: 'Color', value_id: null, value_name: 'PLATA' },
          ],
          identifier_code: { code: '7506597529564', type: 'GTIN' },
        },
      ],
    });
    expect(listings).toEqual([
      {
        marketplace: 'TIKTOK',
        externalId: '1729000000000000001',
        externalVariantId: '1729100000000000001',
        sellerSku: 'GABR200_PLATA23',
        title: 'Tacones Gabrielas 200 Plata',
        price: 418,
        currency: 'MXN',
        availableQuantity: 5,
        status: 'ACTIVATE',
        size: '23',
        color: 'PLATA',
        gtin: '7506597529564',
        updatedAt: new Date(1_700_000_100_000),
      },
    ]);
  });

  it('counts one unit per order line item', () => {
    const item = (sku: string, quantity?: number) => ({ id: null, product_id: '10', sku_id: sku, seller_sku: `S${sku}`, product_name: null, quantity });
    const order = mapOrder({ id: '576000000000000001', status: 'AWAITING_SHIPMENT', create_time: 1_700_000_000, update_time: null, line_items: [item('1'), item('2'), item('1'), item('3', 2)] });

    expect(order.lines).toEqual([
      { externalId: '10', externalVariantId: '1', sellerSku: 'S1', quantity: 2 },
      { externalId: '10', externalVariantId: '2', sellerSku: 'S2', quantity: 1 },
      { externalId: '10', externalVariantId: '3', sellerSku: 'S3', quantity: 2 },
    ]);
    expect(order.createdAt).toEqual(new Date(1_700_000_000_000));
  });
});

describe('TikTok webhook verification', () => {
  const credentials = { appKey: 'app-key-1', appSecret: 'app-secret-1' };
  const rawBody = '{"type":5,"tts_notification_id":"7300000000000000002","shop_id":7490000000000000001,"timestamp":1715350000,"data":{"product_id":1729000000000000001,"status":"PRODUCT_STATUS_CHANGED"}}';
  const signature = createHmac('sha256', 'app-secret-1').update(`app-key-1${rawBody}`).digest('hex');

  it('accepts the signature of the raw body', () => {
    expect(computeWebhookSignature('app-key-1', 'app-secret-1', rawBody)).toBe(signature);
    expect(verifyWebhookSignature('app-key-1', 'app-secret-1', rawBody, signature)).toBe(true);
  });

  it('keeps every digit of numeric ids', () => {
    const parsed = parseWebhook(credentials, { headers: { Authorization: signature }, rawBody });
    expect(parsed).toEqual({
      ok: true,
      accountId: '7490000000000000001',
      dedupeKey: '7300000000000000002',
      topic: 'PRODUCT_STATUS_CHANGE',
      resource: '1729000000000000001',
      verification: 'verified',
    });
  });

  it('rejects tampered, short and missing signatures', () => {
    expect(parseWebhook(credentials, { headers: { authorization: signature }, rawBody: rawBody.replace('1715350000', '1715350001') })).toMatchObject({ ok: false });
    expect(parseWebhook(credentials, { headers: { authorization: signature.slice(0, 10) }, rawBody })).toMatchObject({ ok: false });
    expect(parseWebhook(credentials, { headers: {}, rawBody })).toEqual({ ok: false, reason: 'missing Authorization header with the webhook signature' });
  });

  it('names the bad field of a verified body', () => {
    expect(parseNotificationBody('{"type":1,"tts_notification_id":"1","timestamp":1,"data":{}}')).toEqual({ ok: false, reason: 'field "shop_id": Invalid input' });
    expect(parseNotificationBody('{"type":1,"tts_notification_id":"1","shop_id":"2","timestamp":1,"data":{}}')).toMatchObject({ ok: false, reason: expect.stringContaining('data.order_id') });
  });
});
