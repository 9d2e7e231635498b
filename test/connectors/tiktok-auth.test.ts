import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildAuthorizationUrl,
  createTikTokConnector,
  exchangeCode,
  fetchAuthorizedShops,
  readCallback,
  refreshToken,
  TikTokClient,
  type TikTokConfig,
} from '../../src/connectors/tiktok/index.js';
import { MarketplaceError, type TokenSet } from '../../src/connectors/shared/index.js';
import { startTikTokSandbox, SCOPES, type SeededSeller, type TikTokSandbox } from '../../src/sandbox/tiktok/index.js';
import { APP_KEY, APP_SECRET, connectShop, footwearProducts, REDIRECT_URI, rejectionOf, sandboxApp, sandboxConfig } from './tiktok-fixtures.js';
import { testLogger } from '../support/logger.js';

let sandbox: TikTokSandbox;
let config: TikTokConfig;
let seller: SeededSeller;
let multiShopSeller: SeededSeller;

beforeAll(async () => {
  sandbox = await startTikTokSandbox({
    apps: [sandboxApp(), sandboxApp({ appKey: 'no-logistics-app', serviceId: '7172000000000070151', scopes: [SCOPES.authorization, SCOPES.productRead] })],
    logger: testLogger(),
  });
  config = sandboxConfig(sandbox);
  seller = sandbox.seedSeller({ sellerName: 'Zapatería Centro', shops: [{ name: 'ZAPATERIA_CENTRO', products: footwearProducts(1, 'AUTH') }] });
  multiShopSeller = sandbox.seedSeller({
    sellerName: 'Calzado Global',
    baseRegion: 'US',
    shops: [
      { name: 'CALZADO_US', region: 'US' },
      { name: 'CALZADO_MX', region: 'MX', warehouseCount: 2 },
      { name: 'CALZADO_MX_2', region: 'MX' },
    ],
  });
});

afterAll(async () => {
  await sandbox.close();
});

function shopOf(seeded: SeededSeller, index = 0) {
  const shop = seeded.shops[index];
  if (!shop) throw new Error(`seeded seller has no shop ${index}`);
  return shop;
}

function clientWith(tokens: TokenSet): TikTokClient {
  return new TikTokClient({ config, tokenSource: { getAccessToken: async () => tokens.accessToken } });
}

async function authError(promise: Promise<unknown>): Promise<MarketplaceError> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(MarketplaceError);
  return error as MarketplaceError;
}

describe('TikTok authorization', () => {
  it('completes the consent page flow', async () => {
    const connector = createTikTokConnector(config);
    const authorizationUrl = connector.authorizationUrl({ state: 'estado-consent-1' });
    expect(connector.usesPkce).toBe(false);

    const page = await fetch(authorizationUrl);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('<html lang="es-MX">');
    expect(html).toContain('>Autorizar</button>');

    const form = new URLSearchParams({ service_id: new URL(authorizationUrl).searchParams.get('service_id') ?? '', state: 'estado-consent-1', open_id: seller.openId, decision: 'allow' });
    const decision = await fetch(`${sandbox.url}/open/authorize/decision`, { method: 'POST', body: form, redirect: 'manual' });
    expect(decision.status).toBe(302);
    const location = new URL(decision.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('state')).toBe('estado-consent-1');

    const callback = connector.readCallback?.(Object.fromEntries(location.searchParams));
    expect(callback?.ok).toBe(true);
    const tokens = await connector.exchangeCode({ code: callback?.ok ? callback.code : '' });

    const shop = shopOf(seller);
    expect(tokens.accessToken).toMatch(/^ROW_[A-Za-z0-9_-]{40}$/);
    expect(tokens.refreshToken).toMatch(/^ROW_[A-Za-z0-9_-]{40}$/);
    expect(tokens.accountId).toBe(shop.shopId);
    expect(tokens.accountName).toBe('ZAPATERIA_CENTRO');
    expect(tokens.scopes).toEqual(expect.arrayContaining([SCOPES.productRead, SCOPES.productWrite]));
    expect(tokens.metadata).toEqual({
      openId: seller.openId,
      shopId: shop.shopId,
      shopCipher: shop.cipher,
      shopName: 'ZAPATERIA_CENTRO',
      region: 'MX',
      defaultWarehouseId: shop.warehouseIds[0],
    });
    const lifetimeMs = (tokens.expiresAt?.getTime() ?? 0) - Date.now();
    expect(lifetimeMs).toBeGreaterThan(7 * 86_400_000 - 60_000);
    expect(lifetimeMs).toBeLessThanOrEqual(7 * 86_400_000);
    // The expiry comes from a Unix timestamp in seconds.
    expect((tokens.expiresAt?.getTime() ?? 1) % 1000).toBe(0);
    expect((tokens.refreshTokenExpiresAt?.getTime() ?? 0) - Date.now()).toBeGreaterThan(364 * 86_400_000);
  });

  it('reads a refusal as access_denied', async () => {
    const form = new URLSearchParams({ service_id: config.serviceId, state: 'estado-deny', open_id: seller.openId, decision: 'deny' });
    const decision = await fetch(`${sandbox.url}/open/authorize/decision`, { method: 'POST', body: form, redirect: 'manual' });
    const query = Object.fromEntries(new URL(decision.headers.get('location') ?? '').searchParams);

    expect(query.error).toBe('auth_denied');
    expect(readCallback(query)).toEqual({ ok: false, reason: 'access_denied', detail: 'auth_denied' });
  });

  it('sends the token calls as GET and never logs the secret', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'trace' }, { write: (line: string) => lines.push(line) });
    const before = sandbox.requests.length;
    const code = sandbox.issueAuthorizationCode({ appKey: APP_KEY, openId: seller.openId });

    const tokens = await exchangeCode(config, code, { logger });

    const tokenRequest = sandbox.requests.slice(before).find((request) => request.path === '/api/v2/token/get');
    expect(tokenRequest?.method).toBe('GET');
    expect(tokenRequest?.query).toEqual({ app_key: APP_KEY, app_secret: APP_SECRET, auth_code: code, grant_type: 'authorized_code' });
    const shopsRequest = sandbox.requests.slice(before).find((request) => request.path === '/authorization/202309/shops');
    expect(shopsRequest?.query.shop_cipher).toBeUndefined();
    expect(shopsRequest?.headers['x-tts-access-token']).toBe(tokens.accessToken);
    expect(lines.length).toBeGreaterThan(0);
    const logText = lines.join('\n');
    expect(logText).not.toContain(APP_SECRET);
    expect(logText).not.toContain(code);
    expect(logText).not.toContain(tokens.accessToken);
  });

  it('rejects a reused authorization code', async () => {
    const code = sandbox.issueAuthorizationCode({ appKey: APP_KEY, openId: seller.openId });
    await exchangeCode(config, code);

    const error = await authError(exchangeCode(config, code));
    expect(error.kind).toBe('auth');
    expect(error.code).toBe('invalid_grant');
    expect(error.status).toBe(200);
    expect(error.message).not.toContain(code);
    expect(error.message).not.toContain(APP_SECRET);
  });

  it('rejects a wrong app secret', async () => {
    const code = sandbox.issueAuthorizationCode({ appKey: APP_KEY, openId: seller.openId });
    const error = await authError(exchangeCode({ ...config, appSecret: 'wrong-secret-value-123' }, code));

    expect(error.kind).toBe('auth');
    expect(error.message).not.toContain('wrong-secret-value-123');
  });

  it('rotates the refresh token', async () => {
    const { tokens } = await connectShop(sandbox, config, seller.openId);
    const oldRefreshToken = tokens.refreshToken ?? '';
    const before = sandbox.requests.length;

    const refreshed = await refreshToken(config, oldRefreshToken, tokens.metadata);

    const calls = sandbox.requests.slice(before);
    expect(calls.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /api/v2/token/refresh']);
    expect(calls[0]?.query).toEqual({ app_key: APP_KEY, app_secret: APP_SECRET, refresh_token: oldRefreshToken, grant_type: 'refresh_token' });
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect(refreshed.refreshToken).not.toBe(oldRefreshToken);
    expect(refreshed.accountId).toBe(tokens.accountId);
    expect(refreshed.metadata).toEqual(tokens.metadata);
    expect((await fetchAuthorizedShops(clientWith(refreshed))).map((shop) => shop.id)).toEqual([shopOf(seller).shopId]);

    const error = await authError(refreshToken(config, oldRefreshToken, tokens.metadata));
    expect(error.kind).toBe('auth');
    expect(error.code).toBe('invalid_grant');
    expect(error.retryable).toBe(false);
    expect(error.message).not.toContain(oldRefreshToken);
  });

  it('reads the shops again when refreshing without metadata', async () => {
    const { tokens } = await connectShop(sandbox, config, seller.openId);
    const refreshed = await createTikTokConnector(config).refreshTokens(tokens.refreshToken ?? '');

    expect(refreshed.accountId).toBe(tokens.accountId);
    expect(refreshed.metadata).toEqual(tokens.metadata);
  });

  it('reports an expired access token', async () => {
    const { tokens } = await connectShop(sandbox, config, seller.openId);
    sandbox.expireAccessTokens(seller.openId);

    const error = await authError(fetchAuthorizedShops(clientWith(tokens)));
    expect(error.kind).toBe('auth');
    expect(error.code).toBe('token_expired');
    expect(error.details).toMatchObject({ code: 105002 });
    expect(error.message).not.toContain(tokens.accessToken);

    const refreshed = await refreshToken(config, tokens.refreshToken ?? '', tokens.metadata);
    expect((await fetchAuthorizedShops(clientWith(refreshed))).length).toBe(1);
  });

  it('loses access after a revocation', async () => {
    const { tokens } = await connectShop(sandbox, config, seller.openId);
    sandbox.revokeAuthorization(seller.openId, APP_KEY);

    expect((await authError(fetchAuthorizedShops(clientWith(tokens)))).kind).toBe('auth');
    expect((await authError(refreshToken(config, tokens.refreshToken ?? '', tokens.metadata))).code).toBe('invalid_grant');
  });

  it('connects the first MX shop of a multi-shop seller', async () => {
    const { tokens } = await connectShop(sandbox, config, multiShopSeller.openId);
    const mexico = shopOf(multiShopSeller, 1);

    expect(tokens.accountId).toBe(mexico.shopId);
    expect(tokens.metadata).toMatchObject({ shopCipher: mexico.cipher, region: 'MX', defaultWarehouseId: mexico.warehouseIds[0] });
  });

  it('connects without warehouses when the logistics scope is missing', async () => {
    const limited = sandboxConfig(sandbox, { appKey: 'no-logistics-app', serviceId: '7172000000000070151' });
    const { tokens } = await connectShop(sandbox, limited, seller.openId);

    expect(tokens.accountId).toBe(shopOf(seller).shopId);
    expect(tokens.metadata?.defaultWarehouseId).toBeNull();
    expect(sandbox.requests.at(-1)).toMatchObject({ path: '/logistics/202309/warehouses', status: 403 });
  });

  it('builds the link with the configured host', () => {
    const url = new URL(buildAuthorizationUrl(config, 'abc'));
    expect(`${url.origin}${url.pathname}`).toBe(`${sandbox.url}/open/authorize`);
  });
});
