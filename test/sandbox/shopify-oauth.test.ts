import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ShopifySandbox } from '../../src/sandbox/shopify/index.js';
import { CLIENT_ID, CLIENT_SECRET, expectedQueryHmac, graphql, install, INVALID_TOKEN_BODY, postForm, REDIRECT_URI, SHOP, shoes, startTestSandbox } from './shopify-helpers.js';

let sandbox: ShopifySandbox;

beforeAll(async () => {
  sandbox = await startTestSandbox({ accessTokenTtlSeconds: 3600 });
  sandbox.seedShop({ shopDomain: SHOP, name: 'Zapatería Centro', products: shoes(1, 'CEN') });
});

afterAll(async () => {
  await sandbox.close();
});

function authorizeUrl(overrides: Record<string, string | undefined> = {}, shopDomain = SHOP): string {
  const fields: Record<string, string | undefined> = {
    client_id: CLIENT_ID,
    scope: 'read_products,write_inventory',
    redirect_uri: REDIRECT_URI,
    state: 'estado-123',
    ...overrides,
  };
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) params.set(name, value);
  return `${sandbox.endpointForShop(shopDomain)}/admin/oauth/authorize?${params.toString()}`;
}

function tokenUrl(shopDomain = SHOP): string {
  return `${sandbox.endpointForShop(shopDomain)}/admin/oauth/access_token`;
}

describe('install page', () => {
  test('lists the permissions in es-MX', async () => {
    const response = await fetch(authorizeUrl());
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(html).toContain('<html lang="es-MX">');
    expect(html).toContain('Instalar Inventario EGDC en Zapatería Centro');
    expect(html).toContain('Ver productos, variantes y colecciones');
    expect(html).toContain('Modificar inventario');
    expect(html).toContain('>Instalar</button>');
    expect(html).toContain('>Cancelar</button>');
  });

  test('rejects bad requests with a page', async () => {
    const cases: Array<[string, number, string]> = [
      [authorizeUrl({}, 'otra-tienda.myshopify.com'), 404, 'La tienda otra-tienda.myshopify.com no existe.'],
      [authorizeUrl({ client_id: 'unknown' }), 400, 'La aplicación no existe.'],
      [authorizeUrl({ redirect_uri: 'https://evil.example/callback' }), 400, 'La URL de redirección no está permitida'],
      [authorizeUrl({ scope: 'read_products,write_everything' }), 400, 'Los permisos solicitados no son válidos.'],
      [authorizeUrl({ 'grant_options[]': 'per-user' }), 400, 'tokens sin conexión'],
    ];
    for (const [url, status, text] of cases) {
      const response = await fetch(url);
      expect(response.status, url).toBe(status);
      expect(await response.text(), url).toContain(text);
    }
  });

  test('redirects with a signed code', async () => {
    const form = { client_id: CLIENT_ID, scope: 'read_products', redirect_uri: REDIRECT_URI, state: 'estado-123', decision: 'allow' };
    const response = await fetch(`${sandbox.endpointForShop(SHOP)}/admin/oauth/authorize`, {
      method: 'POST',
      body: new URLSearchParams(form),
      redirect: 'manual',
    });

    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    const query = Object.fromEntries(location.searchParams);
    expect(Object.keys(query).sort()).toEqual(['code', 'hmac', 'host', 'shop', 'state', 'timestamp']);
    expect(query.code).toMatch(/^[0-9a-f]{32}$/);
    expect(query.shop).toBe(SHOP);
    expect(query.state).toBe('estado-123');
    expect(Buffer.from(query.host ?? '', 'base64').toString()).toBe('admin.shopify.com/store/zapateria-centro');
    expect(Math.abs(Number(query.timestamp) - Date.now() / 1000)).toBeLessThan(5);
    expect(query.hmac).toBe(expectedQueryHmac(query));
  });
});

describe('token endpoint', () => {
  test('issues expiring tokens', async () => {
    const tokens = await install(sandbox, SHOP, { scopes: ['read_products', 'write_inventory'] });

    expect(tokens.access_token).toMatch(/^shpat_[0-9a-f]{32}$/);
    expect(tokens.refresh_token).toMatch(/^shprt_[0-9a-f]{32}$/);
    expect(tokens.expires_in).toBe(3600);
    expect(tokens.refresh_token_expires_in).toBe(7_776_000);
    expect(tokens.scope).toBe('read_products,write_inventory');
  });

  test('issues non-expiring tokens', async () => {
    const tokens = await install(sandbox, SHOP, { expiring: false });

    expect(Object.keys(tokens).sort()).toEqual(['access_token', 'scope']);
    expect(tokens.access_token).toMatch(/^shpat_[0-9a-f]{32}$/);
  });

  test('rejects reused codes and wrong secrets', async () => {
    const { code } = sandbox.issueAuthorizationCode({ clientId: CLIENT_ID, shopDomain: SHOP, redirectUri: REDIRECT_URI });
    const first = await postForm(tokenUrl(), { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code });
    const again = await postForm(tokenUrl(), { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code });
    const wrongSecret = await postForm(tokenUrl(), { client_id: CLIENT_ID, client_secret: 'wrong', code });

    expect(first.status).toBe(200);
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ error: 'invalid_request', error_description: 'The authorization code was not found or was already used.' });
    expect(wrongSecret.status).toBe(401);
    expect((await wrongSecret.json()) as unknown).toMatchObject({ error: 'invalid_client' });
  });

  test('rejects a code on another shop', async () => {
    sandbox.seedShop({ shopDomain: 'otra.myshopify.com', products: [] });
    const { code } = sandbox.issueAuthorizationCode({ clientId: CLIENT_ID, shopDomain: SHOP, redirectUri: REDIRECT_URI });

    const response = await postForm(tokenUrl('otra.myshopify.com'), { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code });

    expect(response.status).toBe(400);
  });

  test('keeps the old refresh token until the new one is used', async () => {
    const tokens = await install(sandbox);
    const refresh = (refreshToken: string) =>
      postForm(tokenUrl(), { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: refreshToken });

    const second = (await (await refresh(tokens.refresh_token ?? '')).json()) as { refresh_token: string; access_token: string };
    expect(second.refresh_token).not.toBe(tokens.refresh_token);
    const retried = await refresh(tokens.refresh_token ?? '');
    expect(retried.status).toBe(200);

    expect((await refresh(second.refresh_token)).status).toBe(200);
    const late = await refresh(tokens.refresh_token ?? '');
    expect(late.status).toBe(400);
    expect(await late.json()).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('API authentication', () => {
  test('rejects bad tokens with the REST shape', async () => {
    const tokens = await install(sandbox);
    const cases = ['', 'shpat_00000000000000000000000000000000', tokens.access_token.toUpperCase()];
    for (const token of cases) {
      const answer = await graphql(sandbox, token, '{ shop { name } }');
      expect(answer.status, token).toBe(401);
      expect(answer.body).toEqual(INVALID_TOKEN_BODY);
    }
  });

  test('rejects a token on another shop', async () => {
    const tokens = await install(sandbox);

    const answer = await graphql(sandbox, tokens.access_token, '{ shop { name } }', {}, { shopDomain: 'otra.myshopify.com' });

    expect(answer.status).toBe(401);
  });

  test('expires and revokes tokens', async () => {
    const expiring = await install(sandbox);
    const permanent = await install(sandbox, SHOP, { expiring: false });
    sandbox.expireAccessTokens(SHOP);

    expect((await graphql(sandbox, expiring.access_token, '{ shop { name } }')).status).toBe(401);
    expect((await graphql(sandbox, permanent.access_token, '{ shop { name } }')).status).toBe(200);

    sandbox.revokeAuthorization(SHOP, CLIENT_ID);
    expect((await graphql(sandbox, permanent.access_token, '{ shop { name } }')).status).toBe(401);
  });
});
