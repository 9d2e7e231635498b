import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createTikTokConnector,
  exchangeCode,
  fetchOrder,
  importPage,
  TikTokClient,
  type TikTokConfig,
} from '../../src/connectors/tiktok/index.js';
import { MarketplaceError, MarketplaceResponseShapeError, ResiliencePolicy } from '../../src/connectors/shared/index.js';
import { SCOPES, startTikTokSandbox, type SeededSeller, type TikTokSandbox } from '../../src/sandbox/tiktok/index.js';
import { APP_KEY, connectShop, footwearProducts, rejectionOf, sandboxApp, sandboxConfig, type ConnectedShop } from './tiktok-fixtures.js';
import { testLogger } from '../support/logger.js';

const SEARCH_PATH = '/product/202312/products/search';

let sandbox: TikTokSandbox;
let config: TikTokConfig;
let seller: SeededSeller;
let otherSeller: SeededSeller;
let connected: ConnectedShop;

beforeAll(async () => {
  sandbox = await startTikTokSandbox({
    apps: [sandboxApp(), sandboxApp({ appKey: 'no-orders-app', serviceId: '7172000000000070152', scopes: [SCOPES.authorization, SCOPES.productRead, SCOPES.logistics] })],
    logger: testLogger(),
  });
  config = sandboxConfig(sandbox);
  seller = sandbox.seedSeller({ sellerName: 'Zapatería Fallas', shops: [{ name: 'FALLAS_MX', products: footwearProducts(2, 'FAL') }] });
  otherSeller = sandbox.seedSeller({ sellerName: 'Otra Zapatería', shops: [{ name: 'OTRA_MX' }] });
  connected = await connectShop(sandbox, config, seller.openId);
});

beforeEach(() => {
  sandbox.clearFaults();
});

afterAll(async () => {
  await sandbox.close();
});

function clientWith(overrides: { config?: TikTokConfig; shopCipher?: string; now?: () => number } = {}): TikTokClient {
  return new TikTokClient({
    config: overrides.config ?? config,
    tokenSource: { getAccessToken: async () => connected.tokens.accessToken },
    shopCipher: overrides.shopCipher ?? seller.shops[0]?.cipher,
    now: overrides.now,
    resilience: new ResiliencePolicy({ maxAttempts: 1 }),
  });
}

async function marketplaceError(promise: Promise<unknown>): Promise<MarketplaceError> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(MarketplaceError);
  return error as MarketplaceError;
}

describe('TikTok signature checks', () => {
  it('rejects a request signed with the wrong secret', async () => {
    const wrongSecret = 'not-the-app-secret-42';
    const before = sandbox.requests.length;

    const error = await marketplaceError(importPage(clientWith({ config: { ...config, appSecret: wrongSecret } }), null));

    expect(error).toMatchObject({ kind: 'invalid_input', code: 'invalid_sign', status: 401, retryable: false });
    expect(error.details).toMatchObject({ code: 106001, requestId: expect.stringMatching(/^\d{14}[0-9A-F]{20}$/) });
    expect(error.marketplaceMessage).toBe('Invalid credentials. The sign query parameter is invalid.');
    expect(error.message).not.toContain(wrongSecret);
    expect(sandbox.requests.slice(before).map((request) => request.status)).toEqual([401]);
  });

  it('answers a bad sign with the TikTok error shape', async () => {
    const { tokens } = connected;
    const shop = seller.shops[0];
    const url = `${sandbox.url}${SEARCH_PATH}?app_key=${APP_KEY}&timestamp=${Math.floor(Date.now() / 1000)}&shop_cipher=${shop?.cipher ?? ''}&page_size=5&sign=${'0'.repeat(64)}`;

    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-tts-access-token': tokens.accessToken }, body: '{}' });

    expect(response.status).toBe(401);
    expect(z.strictObject({ code: z.literal(106001), message: z.string(), request_id: z.string(), data: z.strictObject({}) }).safeParse(await response.json()).success).toBe(true);
  });

  it('reports clock skew as a transient timestamp error', async () => {
    for (const offsetMs of [-6 * 60_000, 60_000]) {
      const error = await marketplaceError(importPage(clientWith({ now: () => Date.now() + offsetMs }), null));
      expect(error).toMatchObject({ kind: 'transient', code: 'timestamp_out_of_window', retryable: true });
      expect(error.details).toMatchObject({ code: 36009004 });
      expect(error.message).toContain('clock');
    }
    const accepted = await importPage(clientWith({ now: () => Date.now() - 4 * 60_000 }), null);
    expect(accepted.listings).toHaveLength(6);
  });
});

describe('TikTok authorization errors', () => {
  it('reports a missing scope', async () => {
    const limited = sandboxConfig(sandbox, { appKey: 'no-orders-app', serviceId: '7172000000000070152' });
    const { client } = await connectShop(sandbox, limited, seller.openId);

    const error = await marketplaceError(fetchOrder(client, '576000000000000001'));

    expect(error).toMatchObject({ kind: 'auth', code: 'scope_missing', status: 403 });
    expect(error.message).toContain('Partner Center');
  });

  it('reports a shop of another seller', async () => {
    const error = await marketplaceError(importPage(clientWith({ shopCipher: otherSeller.shops[0]?.cipher }), null));

    expect(error).toMatchObject({ kind: 'auth', code: 'token_shop_mismatch', status: 403 });
  });

  it('fails without connection metadata', async () => {
    const connector = createTikTokConnector(config);
    const session = { ...connected.session, metadata: undefined };
    const before = sandbox.requests.length;

    const error = await marketplaceError(connector.importListings(session, null));
    const written = await connector.writeStock(session, [{ externalId: '1', externalVariantId: '2', quantity: 1 }]);

    expect(error).toMatchObject({ kind: 'invalid_input', code: 'metadata_missing' });
    expect(written.failed[0]?.error).toMatchObject({ code: 'metadata_missing' });
    expect(sandbox.requests.length).toBe(before);
  });
});

describe('TikTok server errors', () => {
  it('maps 503 to transient', async () => {
    sandbox.injectFault({ method: 'POST', path: SEARCH_PATH, status: 503, body: { code: 36009999, message: 'Service is busy', request_id: 'r', data: {} } });

    const error = await marketplaceError(importPage(connected.client, null));

    expect(error).toMatchObject({ kind: 'transient', status: 503, marketplaceMessage: 'Service is busy', retryable: true });
  });

  it('times out a slow response', async () => {
    sandbox.injectFault({ method: 'POST', path: SEARCH_PATH, latencyMs: 300 });

    const error = await marketplaceError(importPage(clientWith({ config: { ...config, timeoutMs: 50 } }), null));

    expect(error).toMatchObject({ kind: 'transient', code: 'timeout' });
  });

  it('maps an unknown path to invalid_input', async () => {
    const error = await marketplaceError(connected.client.request({ method: 'GET', path: '/product/202309/unknown', schema: z.unknown() }));

    expect(error).toMatchObject({ kind: 'invalid_input', code: 'invalid_path', status: 404 });
  });
});

describe('TikTok response shapes', () => {
  it('names the failing product field', async () => {
    const product = sandbox.getProduct(seller.shops[0]?.productIds[0] ?? '');
    const broken = { ...product, skus: [{ ...product?.skus[0], inventory: 'many' }] };
    sandbox.injectFault({ method: 'POST', path: SEARCH_PATH, status: 200, body: { code: 0, message: 'Success', request_id: 'r', data: { products: [broken], next_page_token: '', total_count: 1 } } });

    const error = await marketplaceError(importPage(connected.client, null));

    expect(error).toBeInstanceOf(MarketplaceResponseShapeError);
    expect(error).toMatchObject({ kind: 'unknown', code: 'unexpected_response' });
    expect((error as MarketplaceResponseShapeError).fieldPath).toBe('data.products[0].skus[0].inventory');
    expect(error.message).toContain('"data.products[0].skus[0].inventory"');
  });

  it('rejects a body without code', async () => {
    sandbox.injectFault({ method: 'POST', path: SEARCH_PATH, status: 200, body: { data: { products: [], total_count: 0 } } });

    const error = await marketplaceError(importPage(connected.client, null));

    expect((error as MarketplaceResponseShapeError).fieldPath).toBe('code');
  });

  it('rejects a token response without open_id', async () => {
    sandbox.injectFault({
      method: 'GET',
      path: '/api/v2/token/get',
      status: 200,
      body: { code: 0, message: 'success', request_id: 'r', data: { access_token: 'ROW_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', access_token_expire_in: 1, refresh_token: 'ROW_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' } },
    });

    const error = await marketplaceError(exchangeCode(config, 'FeBoANmHP3yqdoUI9fZOCw'));

    expect((error as MarketplaceResponseShapeError).fieldPath).toBe('data.open_id');
    expect(error.message).not.toContain('ROW_');
  });
});
