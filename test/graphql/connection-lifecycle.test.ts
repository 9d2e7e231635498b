import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptToken } from '../../src/connections/token-crypto.js';
import { PRODUCT_QUERY_PATH } from '../../src/connectors/shein/index.js';
import { crossTenantEntityManager, tenantEntityManager } from '../../src/database/orm.js';
import { Credential, MarketplaceConnection, SyncRun } from '../../src/entities/index.js';
import { expectData } from '../support/graphql-client.js';
import { shoeItems, waitFor } from '../support/sync-harness.js';
import { startConnectionApi, type ConnectionApi } from './connection-harness.js';

const CONNECTION_FIELDS =
  'id marketplace externalAccountId status statusReason { code message } disconnectedAt authorizationExpiresAt authorizationExpiringSoon listingCount';

const CONNECT_WITH_API_KEY = `mutation Connect($marketplace: Marketplace!, $openKeyId: String!, $secretKey: String!, $supplierId: String!) {
  connectWithApiKey(marketplace: $marketplace, openKeyId: $openKeyId, secretKey: $secretKey, supplierId: $supplierId) { ${CONNECTION_FIELDS} }
}`;

const DISCONNECT = `mutation Disconnect($id: ID!) {
  disconnectMarketplace(id: $id) { revocation message connection { ${CONNECTION_FIELDS} } }
}`;

const REFRESH = `mutation Refresh($id: ID!) { refreshConnection(id: $id) { ${CONNECTION_FIELDS} } }`;

const CONNECTION = `query Connection($id: ID!) { connection(id: $id) { ${CONNECTION_FIELDS} } }`;

interface ConnectionData {
  id: string;
  marketplace: string;
  externalAccountId: string;
  status: string;
  statusReason: { code: string; message: string } | null;
  disconnectedAt: string | null;
  authorizationExpiresAt: string | null;
  authorizationExpiringSoon: boolean;
  listingCount: number;
}

interface DisconnectData {
  disconnectMarketplace: { revocation: string; message: string; connection: ConnectionData };
}

describe('connection management', () => {
  let api: ConnectionApi;

  beforeAll(async () => {
    api = await startConnectionApi();
  });

  afterAll(async () => {
    await api?.close();
  });

  async function readConnection(tenantId: string, id: string): Promise<ConnectionData> {
    return expectData(await api.graphql<{ connection: ConnectionData }>(tenantId, CONNECTION, { id })).connection;
  }

  function credentialOf(tenantId: string, connectionId: string): Promise<Credential | null> {
    return tenantEntityManager(api.database.orm, tenantId).findOne(Credential, { connection: connectionId });
  }

  async function credentialRow(connectionId: string): Promise<Record<string, unknown> | undefined> {
    const rows = await api.database.orm.em.getConnection().execute<Array<{ row: Record<string, unknown> }>>(
      'select row_to_json(c) as row from credential c where c.connection_id = ?',
      [connectionId],
    );
    return rows[0]?.row;
  }

  async function accessTokenOf(tenantId: string, connectionId: string): Promise<string> {
    const credential = await credentialOf(tenantId, connectionId);
    if (!credential) throw new Error(`connection ${connectionId} has no stored credential`);
    return decryptToken(api.runtime.vault, { tenantId, connectionId }, 'access_token', credential.accessTokenCiphertext);
  }

  async function mercadoLibreStatusWith(accessToken: string): Promise<number> {
    return (await fetch(`${api.sandboxes.mercadolibre.url}/users/me`, { headers: { authorization: `Bearer ${accessToken}` } })).status;
  }

  function errorsOf(response: { errors?: Array<{ message: string; extensions?: { code?: string } }> }) {
    return response.errors?.map((error) => ({ code: error.extensions?.code, message: error.message }));
  }

  /** Seeds a SHEIN seller with one shoe in one size and returns its keys as the seller portal shows them. */
  function sheinSellerKeys(name: string): { supplierId: string; openKeyId: string; secretKey: string } {
    const { shein, endpoints } = api.sandboxes;
    const seller = shein.seedSeller({
      name,
      products: [{ title: `Tenis ${name}`, price: 899, skcs: [{ color: 'Negro', sizes: [{ size: '25', sellerSku: `${name}-25`, quantity: 4 }] }] }],
    });
    const keys = shein.issueApiKeys({ appId: endpoints.shein!.appId, supplierId: seller.supplierId });
    return { supplierId: String(seller.supplierId), ...keys };
  }

  describe('connectWithApiKey', () => {
    it('verifies SHEIN keys with one read', async () => {
      const keys = sheinSellerKeys('SHEIN_KEYS');
      const requestsBefore = api.sandboxes.shein.requests.length;

      const connection = expectData(await api.graphql<{ connectWithApiKey: ConnectionData }>('tenant-shein', CONNECT_WITH_API_KEY, { marketplace: 'SHEIN', ...keys }))
        .connectWithApiKey;

      expect(connection).toMatchObject({ marketplace: 'SHEIN', externalAccountId: keys.supplierId, status: 'ACTIVE', authorizationExpiresAt: null, authorizationExpiringSoon: false });
      expect(connection.statusReason?.code).toBe('api_key_verified');
      const verification = api.sandboxes.shein.requests
        .slice(requestsBefore)
        .filter((request) => request.path === PRODUCT_QUERY_PATH && JSON.stringify(request.body) === JSON.stringify({ pageNum: 1, pageSize: 1 }));
      expect(verification).toHaveLength(1);
      expect(verification[0]?.headers['x-lt-openkeyid']).toBe(keys.openKeyId);
      expect(verification[0]?.status).toBe(200);

      expect(await accessTokenOf('tenant-shein', connection.id)).toBe(keys.secretKey);
      const stored = await tenantEntityManager(api.database.orm, 'tenant-shein').findOneOrFail(MarketplaceConnection, { id: connection.id });
      expect(stored.metadata).toMatchObject({ openKeyId: keys.openKeyId, supplierId: keys.supplierId });
      // The import queued after connecting reads the catalogue with the same keys.
      await waitFor('the SHEIN import', () => readConnection('tenant-shein', connection.id), (current) => current.listingCount === 1);
    });

    it('stores nothing when SHEIN rejects the keys', async () => {
      const keys = sheinSellerKeys('SHEIN_WRONG');
      const wrongSecret = randomBytes(16).toString('hex').toUpperCase();
      const count = await crossTenantEntityManager(api.database.orm).count(MarketplaceConnection, {}, { filters: false });

      const spanish = await api.graphql('tenant-shein-wrong', CONNECT_WITH_API_KEY, { marketplace: 'SHEIN', ...keys, secretKey: wrongSecret });
      const english = await api.graphql('tenant-shein-wrong', CONNECT_WITH_API_KEY, { marketplace: 'SHEIN', ...keys, secretKey: wrongSecret }, 'en');

      expect(errorsOf(spanish)).toEqual([{ code: 'BAD_USER_INPUT', message: 'SHEIN rechazó las llaves. Revisa openKeyId y secretKey en el portal de vendedores e inténtalo de nuevo; no se guardó nada.' }]);
      expect(errorsOf(english)).toEqual([{ code: 'BAD_USER_INPUT', message: 'SHEIN rejected the keys. Check openKeyId and secretKey in the seller portal and try again; nothing was stored.' }]);
      expect(await crossTenantEntityManager(api.database.orm).count(MarketplaceConnection, {}, { filters: false })).toBe(count);
    });

    it('keeps stored keys when new keys fail', async () => {
      const keys = sheinSellerKeys('SHEIN_KEEP');
      const connected = expectData(await api.graphql<{ connectWithApiKey: ConnectionData }>('tenant-shein-keep', CONNECT_WITH_API_KEY, { marketplace: 'SHEIN', ...keys }))
        .connectWithApiKey;
      const before = await credentialRow(connected.id);

      const retry = await api.graphql('tenant-shein-keep', CONNECT_WITH_API_KEY, { marketplace: 'SHEIN', ...keys, secretKey: randomBytes(16).toString('hex').toUpperCase() });

      expect(errorsOf(retry)?.[0]?.code).toBe('BAD_USER_INPUT');
      expect(await credentialRow(connected.id)).toEqual(before);
      expect((await readConnection('tenant-shein-keep', connected.id)).status).toBe('ACTIVE');
      expect(await accessTokenOf('tenant-shein-keep', connected.id)).toBe(keys.secretKey);
    });

    it('tells marketplaces without keys to use authorization', async () => {
      const variables = { marketplace: 'TIKTOK', openKeyId: 'A'.repeat(32), secretKey: 'B'.repeat(32), supplierId: '123' };

      const spanish = await api.graphql('tenant-keys', CONNECT_WITH_API_KEY, variables);
      const english = await api.graphql('tenant-keys', CONNECT_WITH_API_KEY, variables, 'en');

      expect(errorsOf(spanish)).toEqual([{ code: 'BAD_USER_INPUT', message: 'TikTok Shop se conecta con autorización, no con llaves de API; usa startMarketplaceAuthorization.' }]);
      expect(errorsOf(english)).toEqual([{ code: 'BAD_USER_INPUT', message: 'TikTok Shop connects through authorization, not API keys; use startMarketplaceAuthorization.' }]);
    });

    it('rejects empty key and bad supplier id', async () => {
      const keys = { marketplace: 'SHEIN', openKeyId: 'A'.repeat(32), secretKey: 'B'.repeat(32), supplierId: '123' };

      const empty = await api.graphql('tenant-keys', CONNECT_WITH_API_KEY, { ...keys, openKeyId: '   ' }, 'en');
      const notNumeric = await api.graphql('tenant-keys', CONNECT_WITH_API_KEY, { ...keys, supplierId: 'tienda-12' }, 'en');

      expect(errorsOf(empty)).toEqual([{ code: 'BAD_USER_INPUT', message: 'Argument openKeyId must not be empty.' }]);
      expect(errorsOf(notNumeric)).toEqual([{ code: 'BAD_USER_INPUT', message: 'Argument supplierId must be your SHEIN supplier number (digits only); received tienda-12.' }]);
    });
  });

  describe('disconnectMarketplace', () => {
    it('revokes MercadoLibre and keeps history', async () => {
      const tenantId = 'tenant-disconnect';
      const seller = api.sandboxes.mercadolibre.seedSeller({ nickname: 'DISCONNECT_STORE', items: shoeItems(1, 'DISC', ['25', '26'], () => 2) });
      const { connectionId } = await api.connectMercadoLibre(tenantId, seller.userId);
      await waitFor('the MercadoLibre import', () => readConnection(tenantId, connectionId), (current) => current.listingCount === 2);
      const accessToken = await accessTokenOf(tenantId, connectionId);
      const runs = await tenantEntityManager(api.database.orm, tenantId).count(SyncRun, { connection: connectionId });
      const requestsBefore = api.sandboxes.mercadolibre.requests.length;

      const result = expectData(await api.graphql<DisconnectData>(tenantId, DISCONNECT, { id: connectionId })).disconnectMarketplace;

      expect(result.revocation).toBe('REVOKED');
      expect(result.message).toBe('Un usuario desconectó la cuenta y Mercado Libre retiró la autorización de EGDC.');
      expect(result.connection).toMatchObject({ id: connectionId, status: 'DISCONNECTED', listingCount: 2, authorizationExpiresAt: null });
      expect(result.connection.statusReason).toEqual({ code: 'disconnected_revoked', message: result.message });
      expect(Date.parse(result.connection.disconnectedAt!)).toBeGreaterThan(Date.now() - 60_000);
      const revocations = api.sandboxes.mercadolibre.requests.slice(requestsBefore).filter((request) => request.method === 'DELETE');
      expect(revocations.map((request) => [request.path, request.status])).toEqual([[`/users/${seller.userId}/applications/${api.sandboxes.endpoints.mercadolibre!.clientId}`, 200]]);
      expect(await credentialRow(connectionId)).toBeUndefined();
      expect(await mercadoLibreStatusWith(accessToken)).toBe(401);
      expect(await tenantEntityManager(api.database.orm, tenantId).count(SyncRun, { connection: connectionId })).toBe(runs);
    });

    it('disconnects locally when the revocation fails and says so', async () => {
      const tenantId = 'tenant-revoke-fails';
      const { connectionId } = await api.connectMercadoLibre(tenantId, 'REVOKE_FAILS_STORE');
      api.sandboxes.mercadolibre.injectFault({ method: 'DELETE', path: /^\/users\/\d+\/applications\//, status: 500, times: Number.POSITIVE_INFINITY });

      const spanish = expectData(await api.graphql<DisconnectData>(tenantId, DISCONNECT, { id: connectionId })).disconnectMarketplace;
      api.sandboxes.mercadolibre.clearFaults();

      expect(spanish.revocation).toBe('FAILED');
      expect(spanish.message).toBe('Un usuario desconectó la cuenta, pero Mercado Libre no confirmó que retiró la autorización. Retírala en el portal de vendedores de Mercado Libre.');
      expect(spanish.connection).toMatchObject({ status: 'DISCONNECTED', statusReason: { code: 'disconnected_revocation_failed' } });
      expect(await credentialRow(connectionId)).toBeUndefined();

      const again = expectData(await api.graphql<DisconnectData>(tenantId, DISCONNECT, { id: connectionId }, 'en')).disconnectMarketplace;
      expect(again.revocation).toBe('NO_CREDENTIALS');
      expect(again.message).toBe('A user disconnected the account; no stored credentials were left to revoke.');
      expect(again.connection.statusReason?.code).toBe('disconnected_revocation_failed');
      expect(again.connection.disconnectedAt).toBe(spanish.connection.disconnectedAt);
    });

    it('uninstalls the Shopify app from the shop', async () => {
      const tenantId = 'tenant-shopify-disconnect';
      const shopDomain = 'zapateria-desconecta.myshopify.com';
      const { connectionId } = await api.connectShopify(tenantId, shopDomain);
      const accessToken = await accessTokenOf(tenantId, connectionId);

      const result = expectData(await api.graphql<DisconnectData>(tenantId, DISCONNECT, { id: connectionId }, 'en')).disconnectMarketplace;

      expect(result.revocation).toBe('REVOKED');
      expect(result.message).toBe('A user disconnected the account and Shopify removed the EGDC authorization.');
      const uninstall = api.sandboxes.shopify.requests.filter((request) => request.method === 'DELETE' && request.path === `/shops/${shopDomain}/admin/api_permissions/current.json`);
      expect(uninstall.map((request) => request.status)).toEqual([200]);
      const graphql = await fetch(`${api.sandboxes.shopify.endpointForShop(shopDomain)}/admin/api/2026-04/graphql.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-shopify-access-token': accessToken },
        body: JSON.stringify({ query: '{ shop { name } }' }),
      });
      expect(graphql.status).toBe(401);
    });

    it('asks SHEIN sellers to remove the authorization in the portal', async () => {
      const keys = sheinSellerKeys('SHEIN_DISCONNECT');
      const connected = expectData(await api.graphql<{ connectWithApiKey: ConnectionData }>('tenant-shein-disconnect', CONNECT_WITH_API_KEY, { marketplace: 'SHEIN', ...keys }))
        .connectWithApiKey;

      const result = expectData(await api.graphql<DisconnectData>('tenant-shein-disconnect', DISCONNECT, { id: connected.id }, 'en')).disconnectMarketplace;

      expect(result.revocation).toBe('NOT_SUPPORTED');
      expect(result.message).toBe('A user disconnected the account. SHEIN offers no way to remove the authorization from EGDC; remove it in its seller portal if you no longer use EGDC.');
      expect(result.connection.status).toBe('DISCONNECTED');
      expect(await credentialRow(connected.id)).toBeUndefined();
    });

    it('reconnects the same account into the same connection', async () => {
      const tenantId = 'tenant-reconnect-after';
      const first = await api.connectMercadoLibre(tenantId, 'RECONNECT_AFTER_STORE');
      const disconnected = expectData(await api.graphql<DisconnectData>(tenantId, DISCONNECT, { id: first.connectionId })).disconnectMarketplace;

      const again = await api.connectMercadoLibre(tenantId, first.sellerId);

      expect(again.connectionId).toBe(first.connectionId);
      const connection = await readConnection(tenantId, first.connectionId);
      expect(connection).toMatchObject({ status: 'ACTIVE', statusReason: { code: 'authorized' }, disconnectedAt: disconnected.connection.disconnectedAt });
      expect(await mercadoLibreStatusWith(await accessTokenOf(tenantId, first.connectionId))).toBe(200);
    });
  });

  describe('refreshConnection', () => {
    it('refreshes a MercadoLibre token now', async () => {
      const tenantId = 'tenant-refresh';
      const { connectionId } = await api.connectMercadoLibre(tenantId, 'REFRESH_STORE');
      const before = await credentialOf(tenantId, connectionId);
      const oldToken = await accessTokenOf(tenantId, connectionId);
      const requestsBefore = api.sandboxes.mercadolibre.requests.length;

      const connection = expectData(await api.graphql<{ refreshConnection: ConnectionData }>(tenantId, REFRESH, { id: connectionId })).refreshConnection;

      expect(connection.status).toBe('ACTIVE');
      const refreshes = api.sandboxes.mercadolibre.requests.slice(requestsBefore).filter((request) => request.path === '/oauth/token');
      expect(refreshes.map((request) => (request.body as Record<string, string>).grant_type)).toEqual(['refresh_token']);
      const after = await credentialOf(tenantId, connectionId);
      expect(after!.version).toBe(before!.version + 1);
      const newToken = await accessTokenOf(tenantId, connectionId);
      expect(newToken).not.toBe(oldToken);
      expect(await mercadoLibreStatusWith(newToken)).toBe(200);
    });

    it('marks ERROR on a malformed refresh response, then recovers', async () => {
      const tenantId = 'tenant-refresh-shape';
      const { connectionId } = await api.connectMercadoLibre(tenantId, 'REFRESH_SHAPE_STORE');
      api.sandboxes.mercadolibre.injectFault({ method: 'POST', path: '/oauth/token', status: 200, body: { unexpected: true } });

      const failed = await api.graphql(tenantId, REFRESH, { id: connectionId });
      api.sandboxes.mercadolibre.clearFaults();

      expect(errorsOf(failed)).toEqual([{ code: 'MARKETPLACE_UNAVAILABLE', message: 'MercadoLibre respondió con datos que este servicio no entiende, así que no se usaron. Inténtalo más tarde; si continúa, contacta a soporte.' }]);
      expect(await readConnection(tenantId, connectionId)).toMatchObject({ status: 'ERROR', statusReason: { code: 'refresh_failed' } });

      const recovered = expectData(await api.graphql<{ refreshConnection: ConnectionData }>(tenantId, REFRESH, { id: connectionId })).refreshConnection;
      expect(recovered).toMatchObject({ status: 'ACTIVE', statusReason: { code: 'refreshed', message: 'Se renovó el token y la conexión volvió a funcionar.' } });
    });

    it('marks NEEDS_REAUTH when the marketplace rejects the refresh token', async () => {
      const tenantId = 'tenant-refresh-rejected';
      const { connectionId, sellerId } = await api.connectMercadoLibre(tenantId, 'REFRESH_REJECTED_STORE');
      api.sandboxes.mercadolibre.revokeAuthorization(sellerId);

      const rejected = await api.graphql(tenantId, REFRESH, { id: connectionId }, 'en');

      expect(errorsOf(rejected)).toEqual([{ code: 'CONFLICT', message: `MercadoLibre rejected the token refresh of connection ${connectionId}, so it needs a new authorization. Connect the account again.` }]);
      expect(await readConnection(tenantId, connectionId)).toMatchObject({ status: 'NEEDS_REAUTH', statusReason: { code: 'refresh_rejected' } });
      const again = await api.graphql(tenantId, REFRESH, { id: connectionId }, 'en');
      expect(errorsOf(again)).toEqual([{ code: 'CONFLICT', message: `Connection ${connectionId} needs a new MercadoLibre authorization because its refresh token no longer works. Connect the account again.` }]);
    });

    it('has nothing to refresh for SHEIN keys or a disconnected account', async () => {
      const keys = sheinSellerKeys('SHEIN_REFRESH');
      const shein = expectData(await api.graphql<{ connectWithApiKey: ConnectionData }>('tenant-refresh-none', CONNECT_WITH_API_KEY, { marketplace: 'SHEIN', ...keys })).connectWithApiKey;
      const { connectionId } = await api.connectMercadoLibre('tenant-refresh-none', 'REFRESH_NONE_STORE');
      await api.graphql('tenant-refresh-none', DISCONNECT, { id: connectionId });

      const keysResponse = await api.graphql('tenant-refresh-none', REFRESH, { id: shein.id }, 'en');
      const disconnectedResponse = await api.graphql('tenant-refresh-none', REFRESH, { id: connectionId }, 'en');

      expect(errorsOf(keysResponse)).toEqual([{ code: 'BAD_USER_INPUT', message: `The SHEIN connection ${shein.id} has no refresh token, so there is nothing to refresh. If it stopped working, connect the account again.` }]);
      expect(errorsOf(disconnectedResponse)).toEqual([{ code: 'CONFLICT', message: `Connection ${connectionId} is disconnected; connect the MercadoLibre account again.` }]);
    });
  });

  describe('authorization expiry', () => {
    it('warns before TikTok authorization lapses', async () => {
      const tenantId = 'tenant-tiktok';
      const { tiktok, endpoints } = api.sandboxes;
      const seller = tiktok.seedSeller({ sellerName: 'Zapatería TikTok', shops: [{ name: 'Zapatería TikTok MX' }] });
      const started = expectData(await api.graphql<{ startMarketplaceAuthorization: { authorizationUrl: string } }>(
        tenantId,
        'mutation { startMarketplaceAuthorization(marketplace: TIKTOK) { authorizationUrl } }',
      ));
      const state = new URL(started.startMarketplaceAuthorization.authorizationUrl).searchParams.get('state');
      const code = tiktok.issueAuthorizationCode({ appKey: endpoints.tiktok!.appKey, openId: seller.openId });
      const connected = expectData(await api.graphql<{ completeMarketplaceAuthorization: ConnectionData }>(
        tenantId,
        `mutation ($state: String!, $code: String!) { completeMarketplaceAuthorization(marketplace: TIKTOK, state: $state, code: $code) { ${CONNECTION_FIELDS} } }`,
        { state, code },
      )).completeMarketplaceAuthorization;

      // The sandbox grants authorizations for 365 days and reports that as the refresh token expiry.
      const credential = await credentialOf(tenantId, connected.id);
      expect(connected.authorizationExpiresAt).toBe(credential!.refreshTokenExpiresAt!.toISOString());
      expect(Date.parse(connected.authorizationExpiresAt!)).toBeGreaterThan(Date.now() + 300 * 86_400_000);
      expect(connected.authorizationExpiringSoon).toBe(false);

      const setExpiry = (days: number) =>
        api.database.orm.em.getConnection().execute('update credential set refresh_token_expires_at = ? where connection_id = ?', [new Date(Date.now() + days * 86_400_000), connected.id]);
      await setExpiry(8);
      expect(await readConnection(tenantId, connected.id)).toMatchObject({ authorizationExpiringSoon: false });
      await setExpiry(6);
      expect(await readConnection(tenantId, connected.id)).toMatchObject({ authorizationExpiringSoon: true });
      await setExpiry(-1);
      expect(await readConnection(tenantId, connected.id)).toMatchObject({ authorizationExpiringSoon: true });
    });
  });
});
