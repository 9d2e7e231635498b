import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crossTenantEntityManager } from '../../src/database/orm.js';
import { Credential, Marketplace, MarketplaceConnection, OAuthState } from '../../src/entities/index.js';
import { startTestApi, type TestApi } from '../support/api-server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

describe('OAuth callback route', () => {
  let database: TestDatabase;
  let api: TestApi;

  beforeAll(async () => {
    database = await createTestDatabase();
    api = await startTestApi(database);
  });

  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  async function startState(tenantId = 'tenant-oauth'): Promise<string> {
    const started = await api.services.connections.startAuthorization({ tenantId, userId: 'merchant', marketplace: Marketplace.MERCADOLIBRE });
    return new URL(started.authorizationUrl).searchParams.get('state')!;
  }

  async function callback(query: Record<string, string>, acceptLanguage?: string): Promise<{ status: number; html: string }> {
    const url = new URL(`${api.url}/oauth/mercadolibre/callback`);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const response = await fetch(url, { headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {} });
    return { status: response.status, html: await response.text() };
  }

  async function connectionCount(): Promise<number> {
    return crossTenantEntityManager(database.orm).count(MarketplaceConnection, {}, { filters: false });
  }

  it('explains an unknown state in es-MX by default', async () => {
    const page = await callback({ state: 'not-issued', code: 'TG-abc' });

    expect(page.status).toBe(400);
    expect(page.html).toContain('<html lang="es-MX">');
    expect(page.html).toContain('Esta solicitud de conexión no existe');
  });

  it('explains an unknown state in English when asked', async () => {
    const page = await callback({ state: 'not-issued', code: 'TG-abc' }, 'en-US,en;q=0.9');

    expect(page.html).toContain('<html lang="en">');
    expect(page.html).toContain('This connection request does not exist');
  });

  it('rejects a declined authorization and stores nothing', async () => {
    const before = await connectionCount();
    const page = await callback({ state: await startState(), error: 'access_denied' });

    expect(page.status).toBe(400);
    expect(page.html).toContain('Cancelaste la autorización');
    expect(await connectionCount()).toBe(before);
  });

  it('rejects a replayed state', async () => {
    const state = await startState();
    await callback({ state, error: 'access_denied' });

    const replay = await callback({ state, code: 'TG-abc' });
    expect(replay.status).toBe(400);
    expect(replay.html).toContain('ya se usó');
  });

  it('rejects an expired state', async () => {
    const state = await startState();
    await crossTenantEntityManager(database.orm).nativeUpdate(OAuthState, { tenantId: 'tenant-oauth', usedAt: null }, { expiresAt: new Date(Date.now() - 1000) }, { filters: false });

    const page = await callback({ state, code: 'TG-abc' });
    expect(page.status).toBe(400);
    expect(page.html).toContain('expiró');
  });

  it('stores nothing when the marketplace rejects the code', async () => {
    const before = await connectionCount();
    const page = await callback({ state: await startState(), code: 'TG-000000000000000000000000-1' });

    expect(page.status).toBe(400);
    expect(page.html).toContain('rechazó el código de autorización');
    expect(page.html).not.toContain('TG-000000000000000000000000-1');
    expect(await connectionCount()).toBe(before);
    expect(await crossTenantEntityManager(database.orm).count(Credential, {}, { filters: false })).toBe(0);
  });

  it('connects the account through the sandbox consent page', async () => {
    const seller = api.sandbox.seedSeller({ nickname: 'OAUTH_ROUTE_TEST', items: [] });
    const started = await api.services.connections.startAuthorization({ tenantId: 'tenant-oauth', userId: 'merchant', marketplace: Marketplace.MERCADOLIBRE });
    const code = api.sandbox.issueAuthorizationCode({
      clientId: new URL(started.authorizationUrl).searchParams.get('client_id')!,
      userId: seller.userId,
      redirectUri: new URL(started.authorizationUrl).searchParams.get('redirect_uri')!,
      codeChallenge: new URL(started.authorizationUrl).searchParams.get('code_challenge')!,
    });

    const page = await callback({ state: new URL(started.authorizationUrl).searchParams.get('state')!, code });
    expect(page.status).toBe(200);
    expect(page.html).toContain('Cuenta conectada');
    expect(page.html).not.toContain(code);
    const connection = await crossTenantEntityManager(database.orm).findOne(MarketplaceConnection, { externalAccountId: String(seller.userId) }, { filters: false });
    expect(connection?.tenantId).toBe('tenant-oauth');
    expect(connection?.accountName).toBe('OAUTH_ROUTE_TEST');
  });
});

describe('Shopify authorization input', () => {
  let database: TestDatabase;
  let api: TestApi;

  beforeAll(async () => {
    database = await createTestDatabase();
    api = await startTestApi(database);
  });

  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  const start = (shopDomain: string) =>
    api.services.connections.startAuthorization({ tenantId: 'tenant-shop', userId: 'merchant', marketplace: Marketplace.SHOPIFY, shopDomain });

  it('rejects a shop domain that is not myshopify.com before storing anything', async () => {
    for (const shopDomain of ['evil.example.com', 'shop.myshopify.com/admin', 'shop.myshopify.com:8443', '127.0.0.1', 'https://shop.myshopify.com']) {
      await expect(start(shopDomain), shopDomain).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    }
    expect(await crossTenantEntityManager(database.orm).count(OAuthState, { tenantId: 'tenant-shop' }, { filters: false })).toBe(0);
  });

  it('rejects a callback with a bad signature and keeps the state unused', async () => {
    const started = await start('zapateria-demo.myshopify.com');
    const state = new URL(started.authorizationUrl).searchParams.get('state')!;
    const url = new URL(`${api.url}/oauth/shopify/callback`);
    const query = { code: 'forged-code', shop: 'zapateria-demo.myshopify.com', state, timestamp: String(Math.floor(Date.now() / 1000)), hmac: '0'.repeat(64) };
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);

    const spanish = await fetch(url);
    expect(spanish.status).toBe(400);
    expect(await spanish.text()).toContain('no trae una firma válida');
    const english = await fetch(url, { headers: { 'accept-language': 'en' } });
    expect(await english.text()).toContain('has no valid signature');

    const row = await crossTenantEntityManager(database.orm).findOne(OAuthState, { tenantId: 'tenant-shop', shopDomain: 'zapateria-demo.myshopify.com' }, { filters: false });
    expect(row?.usedAt).toBeNull();
    expect(await crossTenantEntityManager(database.orm).count(MarketplaceConnection, { tenantId: 'tenant-shop' }, { filters: false })).toBe(0);
  });
});
