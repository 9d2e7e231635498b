import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  computeOAuthHmac,
  createShopifyConnector,
  exchangeCode,
  InvalidShopDomainError,
  oauthHmacMessage,
  parseShopDomain,
  refreshAccessToken,
  verifyOAuthHmac,
  type ShopifyConfig,
} from '../../src/connectors/shopify/index.js';
import { MarketplaceError, type TokenSet } from '../../src/connectors/shared/index.js';
import { startShopifySandbox, type ShopifySandbox } from '../../src/sandbox/shopify/index.js';
import { CLIENT_ID, CLIENT_SECRET, connectShop, footwearProducts, REDIRECT_URI, sandboxApp, sandboxConfig } from './shopify-fixtures.js';
import { testLogger } from '../support/logger.js';

const SHOP = 'zapateria-auth.myshopify.com';

// Shopify's documented example: secret "hush" over code, shop and timestamp.
const VECTOR_SECRET = 'hush';
const VECTOR_QUERY = { code: '0907a61c0c8d55e99db179b68161bc00', shop: 'some-shop.myshopify.com', timestamp: '1337178173' };
const VECTOR_MESSAGE = 'code=0907a61c0c8d55e99db179b68161bc00&shop=some-shop.myshopify.com&timestamp=1337178173';
const VECTOR_HMAC = '4712bf92ffc2917d15a2f5a273e39f0116667419aa4b6ac0b3baaf26fa3c4d20';

let sandbox: ShopifySandbox;
let config: ShopifyConfig;
let locationId: string;

beforeAll(async () => {
  sandbox = await startShopifySandbox({ apps: [sandboxApp()], logger: testLogger() });
  config = sandboxConfig(sandbox);
  locationId = sandbox.seedShop({ shopDomain: SHOP, name: 'Zapatería Auth', products: footwearProducts(1, 'AUTH') }).locationIds[0] ?? '';
});

afterAll(async () => {
  await sandbox.close();
});

async function rejectionOf(promise: Promise<unknown>): Promise<MarketplaceError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(MarketplaceError);
  return error as MarketplaceError;
}

function signed(query: Record<string, string>): Record<string, string> {
  return { ...query, hmac: computeOAuthHmac(query, CLIENT_SECRET) };
}

describe('Shopify OAuth HMAC', () => {
  it('matches the published vector', () => {
    expect(oauthHmacMessage(VECTOR_QUERY)).toBe(VECTOR_MESSAGE);
    expect(computeOAuthHmac(VECTOR_QUERY, VECTOR_SECRET)).toBe(VECTOR_HMAC);
    expect(verifyOAuthHmac({ ...VECTOR_QUERY, hmac: VECTOR_HMAC }, [VECTOR_SECRET])).toBe(true);
    expect(verifyOAuthHmac({ ...VECTOR_QUERY, hmac: VECTOR_HMAC, signature: 'legacy' }, [VECTOR_SECRET])).toBe(true);
  });

  it('rejects a changed vector', () => {
    expect(verifyOAuthHmac({ ...VECTOR_QUERY, code: '0907a61c0c8d55e99db179b68161bc01', hmac: VECTOR_HMAC }, [VECTOR_SECRET])).toBe(false);
    expect(verifyOAuthHmac({ ...VECTOR_QUERY, hmac: VECTOR_HMAC.toUpperCase() }, [VECTOR_SECRET])).toBe(false);
    expect(verifyOAuthHmac({ ...VECTOR_QUERY, hmac: 'abc' }, [VECTOR_SECRET])).toBe(false);
    expect(verifyOAuthHmac({ ...VECTOR_QUERY, hmac: VECTOR_HMAC }, ['other-secret'])).toBe(false);
  });

  it('reads the vector as a callback', () => {
    const connector = createShopifyConnector(sandboxConfig(sandbox, { clientSecret: VECTOR_SECRET }), { now: () => 1_337_178_173_000 });

    const result = connector.readCallback?.({ ...VECTOR_QUERY, hmac: VECTOR_HMAC });

    expect(result).toEqual({ ok: true, code: VECTOR_QUERY.code, shopDomain: 'some-shop.myshopify.com' });
  });
});

describe('Shopify readCallback', () => {
  const now = Date.now();
  const connector = () => createShopifyConnector(config, { now: () => now });
  const timestamp = String(Math.floor(now / 1000));

  it('rejects unsigned and altered queries', () => {
    const good = signed({ code: 'a'.repeat(32), shop: SHOP, state: 'estado', timestamp });
    const cases: Array<[string, Record<string, string>]> = [
      ['missing hmac', { code: 'x', shop: SHOP, timestamp }],
      ['altered code', { ...good, code: 'b'.repeat(32) }],
      ['altered state', { ...good, state: 'otro' }],
      ['short hmac', { ...good, hmac: 'abc' }],
      ['stale timestamp', signed({ code: 'x', shop: SHOP, timestamp: String(Math.floor(now / 1000) - 600) })],
    ];
    for (const [name, query] of cases) {
      expect(connector().readCallback?.(query), name).toMatchObject({ ok: false, reason: 'signature_invalid' });
    }
  });

  it('rejects a signed foreign shop', () => {
    const result = connector().readCallback?.(signed({ code: 'x', shop: 'evil.example.com', timestamp }));

    expect(result).toMatchObject({ ok: false, reason: 'shop_invalid' });
  });

  it('reports a denial and a missing code', () => {
    expect(connector().readCallback?.(signed({ error: 'access_denied', shop: SHOP, timestamp }))).toMatchObject({ ok: false, reason: 'access_denied' });
    expect(connector().readCallback?.(signed({ shop: SHOP, timestamp }))).toMatchObject({ ok: false, reason: 'code_missing' });
  });

  it('accepts the previous secret', () => {
    const rotated = createShopifyConnector(sandboxConfig(sandbox, { clientSecret: 'new-secret-after-rotation', previousClientSecret: CLIENT_SECRET }), { now: () => now });

    expect(rotated.readCallback?.(signed({ code: 'c'.repeat(32), shop: SHOP, timestamp }))).toEqual({ ok: true, code: 'c'.repeat(32), shopDomain: SHOP });
  });
});

describe('parseShopDomain', () => {
  it('accepts myshopify domains', () => {
    expect(parseShopDomain('zapateria-centro.myshopify.com')).toEqual({ ok: true, shopDomain: 'zapateria-centro.myshopify.com', shopName: 'zapateria-centro' });
    expect(parseShopDomain('tienda2.myshopify.com').ok).toBe(true);
  });

  it('names the problem', () => {
    const cases: Array<[unknown, string]> = [
      [undefined, 'missing'],
      ['', 'missing'],
      [' tienda.myshopify.com', 'whitespace'],
      ['https://tienda.myshopify.com', 'has_scheme'],
      ['admin@tienda.myshopify.com', 'has_userinfo'],
      ['tienda.myshopify.com/admin', 'has_path'],
      ['tienda.myshopify.com?x=1', 'has_path'],
      ['tienda.myshopify.com:443', 'has_port'],
      ['127.0.0.1', 'ip_address'],
      ['[::1]', 'ip_address'],
      ['Tienda.myshopify.com', 'uppercase'],
      ['tienda.example.com', 'not_myshopify'],
      ['myshopify.com', 'not_myshopify'],
      ['evil.com.myshopify.com', 'invalid_name'],
      ['-tienda.myshopify.com', 'invalid_name'],
      ['tienda_1.myshopify.com', 'invalid_name'],
    ];
    for (const [input, reason] of cases) {
      const result = parseShopDomain(input);
      expect(result.ok ? 'ok' : result.reason, String(input)).toBe(reason);
    }
  });
});

describe('Shopify authorization', () => {
  it('rejects a bad shop before any request', () => {
    const connector = createShopifyConnector(config);
    const before = sandbox.requests.length;

    const attempt = () => connector.authorizationUrl({ state: 'estado', shopDomain: 'https://evil.example.com/admin' });

    expect(attempt).toThrow(InvalidShopDomainError);
    expect(attempt).toThrow(/has_scheme|scheme/);
    expect(sandbox.requests.length).toBe(before);
  });

  it('completes the install page flow', async () => {
    const connector = createShopifyConnector(config);
    const url = new URL(connector.authorizationUrl({ state: 'estado-instalar-1', shopDomain: SHOP }));
    expect(`${url.origin}${url.pathname}`).toBe(`${sandbox.url}/shops/${SHOP}/admin/oauth/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: CLIENT_ID,
      scope: 'read_products,write_products,read_inventory,write_inventory,read_locations,read_orders',
      redirect_uri: REDIRECT_URI,
      state: 'estado-instalar-1',
    });

    const page = await fetch(url);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('Instalar EGDC Inventario en Zapatería Auth');

    const form = new URLSearchParams();
    for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(match[1] ?? '', match[2] ?? '');
    form.set('decision', 'allow');
    const decision = await fetch(url.origin + url.pathname, { method: 'POST', body: form, redirect: 'manual' });
    expect(decision.status).toBe(302);
    const location = new URL(decision.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);

    const callback = connector.readCallback?.(Object.fromEntries(location.searchParams));
    expect(callback?.ok).toBe(true);
    if (!callback?.ok) return;
    expect(location.searchParams.get('state')).toBe('estado-instalar-1');
    expect(callback.shopDomain).toBe(SHOP);

    const tokens = await connector.exchangeCode({ code: callback.code, shopDomain: callback.shopDomain });
    expect(tokens.accessToken).toMatch(/^shpat_[0-9a-f]{32}$/);
    expect(tokens.refreshToken).toMatch(/^shprt_[0-9a-f]{32}$/);
    expect(tokens.accountId).toBe(SHOP);
    expect(tokens.accountName).toBe('Zapatería Auth');
    expect(tokens.metadata).toEqual({ shopDomain: SHOP, apiVersion: '2026-04', locationId });
    expect(tokens.scopes).toEqual(['read_products', 'write_products', 'read_inventory', 'write_inventory', 'read_locations', 'read_orders']);
    const lifetimeMs = (tokens.expiresAt?.getTime() ?? 0) - Date.now();
    expect(lifetimeMs).toBeGreaterThan(3_500_000);
    expect(lifetimeMs).toBeLessThanOrEqual(3_600_000);
    expect(tokens.refreshTokenExpiresAt?.getTime()).toBeGreaterThan(Date.now() + 80 * 24 * 3600 * 1000);
  });

  it('reports the cancel button', async () => {
    const connector = createShopifyConnector(config);
    const url = new URL(connector.authorizationUrl({ state: 'estado-cancelar', shopDomain: SHOP }));
    const form = new URLSearchParams({ ...Object.fromEntries(url.searchParams), decision: 'deny' });

    const decision = await fetch(url.origin + url.pathname, { method: 'POST', body: form, redirect: 'manual' });
    const location = new URL(decision.headers.get('location') ?? '');

    expect(connector.readCallback?.(Object.fromEntries(location.searchParams))).toMatchObject({ ok: false, reason: 'access_denied' });
    expect(location.searchParams.get('state')).toBe('estado-cancelar');
  });

  it('posts the code as a form', async () => {
    const before = sandbox.requests.length;
    await connectShop(sandbox, config, SHOP);

    const tokenRequest = sandbox.requests.slice(before).find((request) => request.path.endsWith('/admin/oauth/access_token'));
    expect(tokenRequest?.path).toBe(`/shops/${SHOP}/admin/oauth/access_token`);
    expect(tokenRequest?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(tokenRequest?.query).toEqual({});
    const form = new URLSearchParams(tokenRequest?.rawBody);
    expect(form.get('client_id')).toBe(CLIENT_ID);
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(form.get('code')).toMatch(/^[0-9a-f]{32}$/);
    expect(form.get('expiring')).toBe('1');
  });

  it('gets a non-expiring token on request', async () => {
    const legacy = sandboxConfig(sandbox, { expiringTokens: false });
    const before = sandbox.requests.length;

    const { tokens } = await connectShop(sandbox, legacy, SHOP);

    expect(tokens.accessToken).toMatch(/^shpat_[0-9a-f]{32}$/);
    expect(tokens.refreshToken).toBeNull();
    expect(tokens.expiresAt).toBeNull();
    const tokenRequest = sandbox.requests.slice(before).find((request) => request.path.endsWith('/access_token'));
    expect(new URLSearchParams(tokenRequest?.rawBody).has('expiring')).toBe(false);
  });

  it('rejects a reused code', async () => {
    const { code } = sandbox.issueAuthorizationCode({ clientId: CLIENT_ID, shopDomain: SHOP, redirectUri: REDIRECT_URI });
    await exchangeCode(config, { code, shopDomain: SHOP });

    const error = await rejectionOf(exchangeCode(config, { code, shopDomain: SHOP }));

    expect(error.kind).toBe('auth');
    expect(error.status).toBe(400);
    expect(error.marketplaceMessage).toMatch(/not found or was already used/);
    expect(error.message).not.toContain(code);
  });

  it('rejects a wrong client secret', async () => {
    const { code } = sandbox.issueAuthorizationCode({ clientId: CLIENT_ID, shopDomain: SHOP, redirectUri: REDIRECT_URI });

    const error = await rejectionOf(exchangeCode({ ...config, clientSecret: 'wrong-secret-value-123' }, { code, shopDomain: SHOP }));

    expect(error.kind).toBe('auth');
    expect(error.code).toBe('invalid_client');
    expect(error.message).not.toContain('wrong-secret-value-123');
  });

  it('rejects an invalid shop on exchange', async () => {
    await expect(exchangeCode(config, { code: 'x', shopDomain: 'shop.example.com' })).rejects.toBeInstanceOf(InvalidShopDomainError);
  });
});

describe('Shopify token refresh', () => {
  async function shopName(tokens: TokenSet): Promise<string> {
    const response = await fetch(`${sandbox.endpointForShop(SHOP)}/admin/api/2026-04/graphql.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-access-token': tokens.accessToken },
      body: JSON.stringify({ query: '{ shop { name } }' }),
    });
    const body = (await response.json()) as { data?: { shop?: { name?: string } } };
    return body.data?.shop?.name ?? `HTTP ${response.status}`;
  }

  it('rotates with a grace period', async () => {
    const { tokens } = await connectShop(sandbox, config, SHOP);
    const first = tokens.refreshToken ?? '';

    const second = await refreshAccessToken(config, first, tokens.metadata);
    expect(second.accessToken).toMatch(/^shpat_/);
    expect(second.refreshToken).toMatch(/^shprt_/);
    expect(second.refreshToken).not.toBe(first);
    expect(second.metadata).toEqual(tokens.metadata);
    expect(second.accountId).toBe(SHOP);
    expect(await shopName(second)).toBe('Zapatería Auth');

    // The old refresh token still works while its replacement is unused (a lost response).
    const again = await refreshAccessToken(config, first, tokens.metadata);
    expect(again.refreshToken).not.toBe(second.refreshToken);

    await refreshAccessToken(config, second.refreshToken ?? '', tokens.metadata);
    const error = await rejectionOf(refreshAccessToken(config, first, tokens.metadata));
    expect(error.kind).toBe('auth');
    expect(error.code).toBe('invalid_grant');
    expect(error.message).not.toContain(first);
    expect(error.message).not.toContain(CLIENT_SECRET);
  });

  it('recovers from an expired access token', async () => {
    const connected = await connectShop(sandbox, config, SHOP);
    sandbox.expireAccessTokens(SHOP);

    const error = await rejectionOf(connected.client.request({ name: 'ShopName', document: '{ shop { name } }', data: z.unknown() }));
    expect(error.kind).toBe('auth');
    expect(error.code).toBe('invalid_token');
    expect(error.status).toBe(401);
    expect(error.marketplaceMessage).toBe('[API] Invalid API key or access token (unrecognized login or wrong password)');
    expect(error.message).not.toContain(connected.tokens.accessToken);

    const refreshed = await createShopifyConnector(config).refreshTokens(connected.tokens.refreshToken ?? '', connected.tokens.metadata);
    expect(await shopName(refreshed)).toBe('Zapatería Auth');
  });

  it('needs the shop in metadata', () => {
    expect(() => refreshAccessToken(config, 'shprt_0123', undefined)).toThrow(/metadata\.shopDomain/);
  });
});
