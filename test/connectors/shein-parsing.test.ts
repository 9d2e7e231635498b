import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MarketplaceError } from '../../src/connectors/shared/index.js';
import {
  buildEmpowerUrl,
  computeSignature,
  createRandomKey,
  createSheinConfig,
  createSheinConnector,
  decryptWithFixedIv,
  extractEventData,
  mapOrder,
  mapSheinError,
  readEmpowerCallback,
  verifySignature,
} from '../../src/connectors/shein/index.js';
import { APP_ID, APP_SECRET, encryptForTest, REDIRECT_URI } from './shein-fixtures.js';

const config = createSheinConfig({ appId: APP_ID, appSecret: APP_SECRET, redirectUri: REDIRECT_URI });

// Published inputs of the official SDK's signature test; the expected value was computed from them.
const VECTOR = {
  keyId: 'B96C15416C9240DF96BAA0BC9B367C6D',
  secret: '6BEC9C4B668B4B14B17EEF106BB98AE5',
  path: '/open-api/order/purchase-order-info',
  timestamp: '1740709414000',
  randomKey: 'test1',
};
const VECTOR_SIGNATURE = 'test1ZDZjYTJjNzg5ZjUzMDdkZTU2N2Y3NzcxN2ZjZjA5OGIxMTRhZWI0MTU1MzQxNjZlNjFkMGQxOTJiYTk1YWNjYQ==';

/** Builds a webhook the way SHEIN sends one, with a signature over `path`. */
function webhook(event: unknown, options: { path?: string; timestamp?: number; appId?: string; rawBody?: string } = {}) {
  const timestamp = String(options.timestamp ?? Date.now());
  const eventData = encryptForTest(JSON.stringify(event), APP_SECRET);
  const signature = computeSignature({ keyId: APP_ID, secret: APP_SECRET, path: options.path ?? '/webhooks/shein', timestamp, randomKey: createRandomKey() });
  return {
    headers: { 'x-lt-appid': options.appId ?? APP_ID, 'x-lt-timestamp': timestamp, 'x-lt-signature': signature, 'content-type': 'application/x-www-form-urlencoded' },
    rawBody: options.rawBody ?? new URLSearchParams({ eventData }).toString(),
    eventData,
  };
}

describe('SHEIN request signature', () => {
  it('matches the published vector', () => {
    expect(computeSignature(VECTOR)).toBe(VECTOR_SIGNATURE);
  });

  it('verifies the vector and rejects changes', () => {
    const { randomKey: _unused, ...input } = VECTOR;
    expect(verifySignature({ ...input, signature: VECTOR_SIGNATURE })).toBe(true);
    expect(verifySignature({ ...input, path: '/open-api/order/order-detail', signature: VECTOR_SIGNATURE })).toBe(false);
    expect(verifySignature({ ...input, timestamp: '1740709414001', signature: VECTOR_SIGNATURE })).toBe(false);
    expect(verifySignature({ ...input, signature: VECTOR_SIGNATURE.slice(0, -2) })).toBe(false);
    expect(verifySignature({ ...input, signature: 'test1' })).toBe(false);
    expect(verifySignature({ ...input, signature: '' })).toBe(false);
  });

  it('rejects a path with a query', () => {
    expect(() => computeSignature({ ...VECTOR, path: '/open-api/x?a=1' })).toThrow(/path only/);
  });

  it('creates five-character alphanumeric keys', () => {
    for (let index = 0; index < 20; index += 1) {
      expect(createRandomKey()).toMatch(/^[A-Za-z0-9]{5}$/);
    }
  });
});

describe('SHEIN AES', () => {
  it('decrypts with the fixed IV', () => {
    const ciphertext = encryptForTest('6BEC9C4B668B4B14B17EEF106BB98AE5', APP_SECRET);
    expect(decryptWithFixedIv(ciphertext, APP_SECRET)).toBe('6BEC9C4B668B4B14B17EEF106BB98AE5');
  });

  it('zero-pads a short secret', () => {
    const ciphertext = encryptForTest('{"ok":true}', 'short');
    expect(decryptWithFixedIv(ciphertext, 'short')).toBe('{"ok":true}');
  });

  it('returns null for a wrong secret or bad input', () => {
    const ciphertext = encryptForTest('secret value', APP_SECRET);
    expect(decryptWithFixedIv(ciphertext, '00000000000000000000000000000000')).toBeNull();
    expect(decryptWithFixedIv('not base64!', APP_SECRET)).toBeNull();
    expect(decryptWithFixedIv('', APP_SECRET)).toBeNull();
    expect(decryptWithFixedIv('AAAA', APP_SECRET)).toBeNull();
  });
});

describe('SHEIN configuration', () => {
  it('fills in the production defaults', () => {
    expect(config.empowerBaseUrl).toBe('https://openapi-sem.sheincorp.com/#/empower');
    expect(config.apiBaseUrl).toBe('https://openapi.sheincorp.com');
    expect(config.webhookPath).toBe('/webhooks/shein');
    expect(config.webhookToleranceSeconds).toBe(300);
  });

  it('lists every invalid key without the secret', () => {
    const attempt = () => createSheinConfig({ appId: '', appSecret: 'very-secret-value', redirectUri: 'nope', webhookPath: 'webhooks' });
    expect(attempt).toThrow(/appId/);
    expect(attempt).toThrow(/redirectUri/);
    expect(attempt).toThrow(/webhookPath/);
    expect(attempt).not.toThrow(/very-secret-value/);
  });
});

describe('SHEIN empower link', () => {
  it('keeps the parameters in the production fragment', () => {
    const link = buildEmpowerUrl(config, 'state-123');
    const [base, query] = link.split('?') as [string, string];
    expect(base).toBe('https://openapi-sem.sheincorp.com/#/empower');
    const params = new URLSearchParams(query);
    expect(params.get('appid')).toBe(APP_ID);
    expect(Buffer.from(params.get('redirectUrl') ?? '', 'base64').toString('utf8')).toBe(REDIRECT_URI);
    expect(params.get('state')).toBe('state-123');
    expect(new URL(link).hash.startsWith('#/empower?appid=')).toBe(true);
  });

  it('uses a real path for the sandbox', () => {
    const link = new URL(buildEmpowerUrl({ ...config, empowerBaseUrl: 'http://127.0.0.1:4030/empower' }, 'abc'));
    expect(link.pathname).toBe('/empower');
    expect(link.searchParams.get('state')).toBe('abc');
  });

  it('escapes "+" in the base64 redirect URL', () => {
    // This URL's base64 form contains "+" and "/".
    const redirectUri = 'https://app.example.test/cb?x=~~~>>>';
    const link = buildEmpowerUrl({ ...config, redirectUri }, 's');
    const encoded = Buffer.from(redirectUri).toString('base64');
    expect(encoded).toMatch(/[+/]/);
    expect(link).not.toContain(encoded);
    expect(new URLSearchParams(link.split('?')[1]).get('redirectUrl')).toBe(encoded);
  });
});

describe('SHEIN callback', () => {
  it('maps tempToken to the code', () => {
    expect(readEmpowerCallback(config, { appid: APP_ID, tempToken: 'abc123', state: 's' })).toEqual({ ok: true, code: 'abc123' });
  });

  it('reports a missing tempToken', () => {
    expect(readEmpowerCallback(config, { appid: APP_ID, state: 's' })).toMatchObject({ ok: false, reason: 'code_missing' });
    expect(readEmpowerCallback(config, { appid: APP_ID, tempToken: ' ', state: 's' })).toMatchObject({ ok: false, reason: 'code_missing' });
  });

  it('reports a denial and another app', () => {
    expect(readEmpowerCallback(config, { appid: APP_ID, state: 's', error: 'access_denied' })).toEqual({ ok: false, reason: 'access_denied' });
    const other = readEmpowerCallback(config, { appid: 'OTHERAPP', tempToken: 't', state: 's' });
    expect(other).toMatchObject({ ok: false, reason: 'code_missing' });
  });
});

describe('SHEIN connector without a server', () => {
  const connector = createSheinConnector(config);

  it('declares no PKCE', () => {
    expect(connector.usesPkce).toBe(false);
    expect(connector.redirectUri).toBe(REDIRECT_URI);
  });

  it('refuses to refresh', async () => {
    const error = await connector.refreshTokens('anything').then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(MarketplaceError);
    expect((error as MarketplaceError).kind).toBe('auth');
    expect((error as MarketplaceError).code).toBe('reauthorize');
    expect((error as MarketplaceError).message).toMatch(/authorize the application again/);
  });
});

describe('SHEIN webhook parsing', () => {
  const connector = createSheinConnector(config);
  const orderEvent = { eventType: 'order', supplierId: 10001001, orderNo: 'GSMX2025051000000001', orderStatus: 1 };

  it('verifies and reads an order event', () => {
    const incoming = webhook(orderEvent);
    const parsed = connector.parseWebhook(incoming);
    expect(parsed).toEqual({
      ok: true,
      accountId: '10001001',
      dedupeKey: createHash('sha256').update(JSON.stringify(orderEvent)).digest('hex'),
      topic: 'order',
      resource: 'GSMX2025051000000001',
      verification: 'verified',
    });
  });

  it('reads a product audit event', () => {
    const parsed = connector.parseWebhook(webhook({ supplierId: '10001001', spu_name: 'i2025051000001', audit_state: 2, failed_reason: ['Imagen'] }));
    expect(parsed).toMatchObject({ ok: true, topic: 'product_audit', resource: 'i2025051000001', accountId: '10001001' });
  });

  it('keeps "+" in unescaped base64', () => {
    let incoming = webhook(orderEvent);
    for (let index = 0; !incoming.eventData.includes('+'); index += 1) {
      incoming = webhook({ ...orderEvent, orderNo: `GSMX${index}` });
    }
    const raw = `eventData=${incoming.eventData}`;
    expect(extractEventData(raw)).toBe(incoming.eventData);
    expect(connector.parseWebhook({ ...incoming, rawBody: raw }).ok).toBe(true);
    expect(extractEventData(new URLSearchParams({ eventData: incoming.eventData }).toString())).toBe(incoming.eventData);
    expect(extractEventData(JSON.stringify({ eventData: incoming.eventData }))).toBe(incoming.eventData);
  });

  it('rejects a tampered signature', () => {
    const incoming = webhook(orderEvent);
    const signature = incoming.headers['x-lt-signature'];
    const tampered = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    const parsed = connector.parseWebhook({ ...incoming, headers: { ...incoming.headers, 'x-lt-signature': tampered } });
    expect(parsed).toEqual({ ok: false, reason: 'x-lt-signature does not match (signed path must be /webhooks/shein)' });
    expect(connector.parseWebhook({ ...incoming, headers: { ...incoming.headers, 'x-lt-signature': 'abc' } }).ok).toBe(false);
  });

  it('rejects a signature over another path', () => {
    const parsed = connector.parseWebhook(webhook(orderEvent, { path: '/webhooks/other' }));
    expect(parsed).toMatchObject({ ok: false });
  });

  it('rejects a tampered body', () => {
    const incoming = webhook(orderEvent);
    const bytes = Buffer.from(incoming.eventData, 'base64');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    const parsed = connector.parseWebhook({ ...incoming, rawBody: new URLSearchParams({ eventData: bytes.toString('base64') }).toString() });
    expect(parsed).toMatchObject({ ok: false });
  });

  it('rejects old, future and foreign-app callbacks', () => {
    expect(connector.parseWebhook(webhook(orderEvent, { timestamp: Date.now() - 301_000 }))).toMatchObject({ ok: false, reason: expect.stringMatching(/300 s/) });
    expect(connector.parseWebhook(webhook(orderEvent, { timestamp: Date.now() + 301_000 }))).toMatchObject({ ok: false });
    expect(connector.parseWebhook(webhook(orderEvent, { appId: 'SOMEONEELSE' }))).toMatchObject({ ok: false, reason: expect.stringMatching(/x-lt-appid/) });
  });

  it('rejects missing headers and bodies', () => {
    expect(connector.parseWebhook({ headers: {}, rawBody: '' })).toMatchObject({ ok: false, reason: expect.stringMatching(/missing/) });
    expect(connector.parseWebhook({ ...webhook(orderEvent), rawBody: 'other=1' })).toMatchObject({ ok: false, reason: expect.stringMatching(/eventData/) });
  });

  it('names the bad event field', () => {
    const parsed = connector.parseWebhook(webhook({ eventType: 'order', supplierId: 'abc', orderNo: 'X' }));
    expect(parsed).toMatchObject({ ok: false, reason: expect.stringMatching(/"supplierId"/) });
  });
});

describe('SHEIN mapping', () => {
  it('counts one unit per order row', () => {
    const order = mapOrder({
      orderNo: 'GSMX1',
      orderStatus: 5,
      orderTime: new Date('2025-05-10T12:00:00Z'),
      orderGoodsInfoList: [
        { skuCode: 'I1', sellerSku: 'A_24', spuName: 'i1', skcName: 's1' },
        { skuCode: 'I2', sellerSku: 'A_25', spuName: 'i1', skcName: 's1' },
        { skuCode: 'I1', sellerSku: 'A_24', spuName: 'i1', skcName: 's1' },
        { skuCode: 'I3', sellerSku: null, spuName: 'i1', skcName: 's1' },
      ],
    });
    expect(order.status).toBe('cancelled');
    expect(order.lines).toEqual([
      { externalId: 'i1', externalVariantId: 'I1', sellerSku: 'A_24', quantity: 2 },
      { externalId: 'i1', externalVariantId: 'I2', sellerSku: 'A_25', quantity: 1 },
      { externalId: 'i1', externalVariantId: 'I3', sellerSku: null, quantity: 1 },
    ]);
  });

  it('classifies errors by code, then status', () => {
    const headers = new Headers();
    const call = (status: number, body: unknown) => mapSheinError({ method: 'POST', path: '/open-api/x', status, headers, body });
    expect(call(429, { code: '832213', msg: '限流', info: null, traceId: 't1' })).toMatchObject({ kind: 'throttled', code: '832213' });
    expect(call(200, { code: '200001', msg: 'bad', info: null })).toMatchObject({ kind: 'invalid_input', code: '200001' });
    expect(call(200, { code: '999999', msg: '接口限流' })).toMatchObject({ kind: 'throttled' });
    expect(call(502, '<html>bad gateway</html>')).toMatchObject({ kind: 'transient', code: undefined });
    expect(call(401, { code: '100002', msg: 'key 6BEC9C4B668B4B14B17EEF106BB98AE5 bad' }).message).not.toContain('6BEC9C4B668B4B14B17EEF106BB98AE5');
  });
});
