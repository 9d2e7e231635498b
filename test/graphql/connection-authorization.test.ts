import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashState } from '../../src/connections/authorization.js';
import { decryptToken } from '../../src/connections/token-crypto.js';
import { crossTenantEntityManager } from '../../src/database/orm.js';
import { MarketplaceConnection } from '../../src/entities/index.js';
import type { FaultRule } from '../../src/sandbox/mercadolibre/index.js';
import { expectData } from '../support/graphql-client.js';
import { ALLOWED_RETURN_URL, startConnectionApi, type ConnectionApi } from './connection-harness.js';

const CONNECTION_FIELDS = 'id marketplace externalAccountId accountName status statusReason { code message } authorizationExpiresAt authorizationExpiringSoon';

const START = `mutation Start($marketplace: Marketplace!, $returnTo: String, $shopDomain: String) {
  startMarketplaceAuthorization(marketplace: $marketplace, returnTo: $returnTo, shopDomain: $shopDomain) { authorizationUrl expiresAt }
}`;

const COMPLETE = `mutation Complete($marketplace: Marketplace!, $state: String!, $code: String, $error: String, $shopDomain: String, $redirectQuery: String) {
  completeMarketplaceAuthorization(marketplace: $marketplace, state: $state, code: $code, error: $error, shopDomain: $shopDomain, redirectQuery: $redirectQuery) { ${CONNECTION_FIELDS} }
}`;

interface ConnectionData {
  id: string;
  marketplace: string;
  externalAccountId: string;
  accountName: string | null;
  status: string;
  statusReason: { code: string; message: string } | null;
  authorizationExpiresAt: string | null;
  authorizationExpiringSoon: boolean;
}

/** A MercadoLibre code the sandbox rejects with invalid_grant. */
const REJECTED_CODE = 'TG-000000000000000000000000-1';

describe('completeMarketplaceAuthorization', () => {
  let api: ConnectionApi;

  beforeAll(async () => {
    api = await startConnectionApi();
  });

  afterAll(async () => {
    await api?.close();
  });

  /** Starts a MercadoLibre authorization through GraphQL and returns its state and the sandbox code for `userId`. */
  async function startMercadoLibre(tenantId: string, userId: number, returnTo?: string) {
    const started = expectData(await api.graphql<{ startMarketplaceAuthorization: { authorizationUrl: string } }>(tenantId, START, { marketplace: 'MERCADOLIBRE', returnTo }));
    const url = new URL(started.startMarketplaceAuthorization.authorizationUrl);
    const code = api.sandboxes.mercadolibre.issueAuthorizationCode({
      clientId: url.searchParams.get('client_id')!,
      userId,
      redirectUri: url.searchParams.get('redirect_uri')!,
      codeChallenge: url.searchParams.get('code_challenge')!,
    });
    return { state: url.searchParams.get('state')!, code };
  }

  function complete(tenantId: string, variables: Record<string, unknown>, locale: 'en' | 'es-MX' = 'es-MX') {
    return api.graphql<{ completeMarketplaceAuthorization: ConnectionData }>(tenantId, COMPLETE, { marketplace: 'MERCADOLIBRE', ...variables }, locale);
  }

  async function credentialRow(connectionId: string): Promise<Record<string, unknown>> {
    const rows = await api.database.orm.em.getConnection().execute<Array<{ row: Record<string, unknown> }>>(
      'select row_to_json(c) as row from credential c where c.connection_id = ?',
      [connectionId],
    );
    if (!rows[0]) throw new Error(`no credential row for connection ${connectionId}`);
    return rows[0].row;
  }

  async function connectionCount(): Promise<number> {
    return crossTenantEntityManager(api.database.orm).count(MarketplaceConnection, {}, { filters: false });
  }

  it('connects a MercadoLibre account', async () => {
    const seller = api.sandboxes.mercadolibre.seedSeller({ nickname: 'COMPLETE_STORE', items: [] });
    const { state, code } = await startMercadoLibre('tenant-complete', seller.userId);

    const connection = expectData(await complete('tenant-complete', { state, code })).completeMarketplaceAuthorization;

    expect(connection).toMatchObject({ marketplace: 'MERCADOLIBRE', externalAccountId: String(seller.userId), accountName: 'COMPLETE_STORE', status: 'ACTIVE' });
    expect(connection.statusReason).toEqual({ code: 'authorized', message: 'La cuenta se autorizó en Mercado Libre.' });
    expect(connection.authorizationExpiringSoon).toBe(false);
    // MercadoLibre returns no refresh token expiry: 180 days after the tokens were stored is the estimate.
    const expiresInDays = (Date.parse(connection.authorizationExpiresAt!) - Date.now()) / 86_400_000;
    expect(expiresInDays).toBeGreaterThan(179);
    expect(expiresInDays).toBeLessThanOrEqual(180);
  });

  it('connects a Shopify shop from the signed redirect query', async () => {
    const { shopify } = api.sandboxes;
    const shop = shopify.seedShop({ shopDomain: 'zapateria-complete.myshopify.com', products: [] });
    const started = expectData(await api.graphql<{ startMarketplaceAuthorization: { authorizationUrl: string } }>('tenant-shopify', START, { marketplace: 'SHOPIFY', shopDomain: shop.shopDomain }));
    const url = new URL(started.startMarketplaceAuthorization.authorizationUrl);
    const state = url.searchParams.get('state')!;
    const issued = shopify.issueAuthorizationCode({ clientId: url.searchParams.get('client_id')!, shopDomain: shop.shopDomain, redirectUri: url.searchParams.get('redirect_uri')!, state });
    const redirectQuery = new URLSearchParams(issued.callbackQuery).toString();

    const connection = expectData(await api.graphql<{ completeMarketplaceAuthorization: ConnectionData }>('tenant-shopify', COMPLETE, { marketplace: 'SHOPIFY', state, redirectQuery }))
      .completeMarketplaceAuthorization;

    expect(connection).toMatchObject({ marketplace: 'SHOPIFY', externalAccountId: shop.shopDomain, status: 'ACTIVE' });
    // Shopify's expiring offline tokens come with a refresh token expiry, which is the authorization's.
    expect(connection.authorizationExpiresAt).not.toBeNull();
    expect(Date.parse(connection.authorizationExpiresAt!)).toBeGreaterThan(Date.now());
  });

  it('rejects a Shopify redirect without its signature and keeps the state', async () => {
    const { shopify } = api.sandboxes;
    const shop = shopify.seedShop({ shopDomain: 'zapateria-unsigned.myshopify.com', products: [] });
    const started = expectData(await api.graphql<{ startMarketplaceAuthorization: { authorizationUrl: string } }>('tenant-shopify', START, { marketplace: 'SHOPIFY', shopDomain: shop.shopDomain }));
    const state = new URL(started.startMarketplaceAuthorization.authorizationUrl).searchParams.get('state')!;

    const response = await api.graphql('tenant-shopify', COMPLETE, { marketplace: 'SHOPIFY', state, code: 'forged-code', shopDomain: shop.shopDomain }, 'en');

    expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors?.[0]?.message).toBe('The response from Shopify has no valid signature, so it was not used. Go back to EGDC and start the connection again.');
    const rows = await api.database.orm.em.getConnection().execute<Array<{ used_at: Date | null }>>('select used_at from oauth_state where state_hash = ?', [hashState(state)]);
    expect(rows[0]?.used_at).toBeNull();
  });

  it('rejects a named argument that contradicts redirectQuery', async () => {
    const response = await complete('tenant-complete', { state: 'state-a', redirectQuery: 'state=state-b&code=abc' }, 'en');

    expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors?.[0]?.message).toBe('Argument state does not match the state parameter in redirectQuery; send the values exactly as the redirect carried them.');
  });

  it('rejects a returnTo outside the allowed list in both languages', async () => {
    const outside = 'https://evil.example.test/settings/';
    const spanish = await api.graphql('tenant-return', START, { marketplace: 'MERCADOLIBRE', returnTo: outside });
    const english = await api.graphql('tenant-return', START, { marketplace: 'MERCADOLIBRE', returnTo: outside }, 'en');

    expect(spanish.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(spanish.errors?.[0]?.message).toBe(`La dirección de regreso ${outside} no está permitida; usa una de las direcciones configuradas en ALLOWED_RETURN_URLS.`);
    expect(english.errors?.[0]?.message).toBe(`Return address ${outside} is not allowed; use one of the addresses configured in ALLOWED_RETURN_URLS.`);
    const allowed = await api.graphql('tenant-return', START, { marketplace: 'MERCADOLIBRE', returnTo: `${ALLOWED_RETURN_URL}connections` });
    expect(allowed.errors).toBeUndefined();
  });

  it('explains a bad shop domain, localized', async () => {
    const spanish = await api.graphql('tenant-shop-domain', START, { marketplace: 'SHOPIFY', shopDomain: 'https://Zapateria.myshopify.com' });
    const english = await api.graphql('tenant-shop-domain', START, { marketplace: 'SHOPIFY' }, 'en');

    expect(spanish.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(spanish.errors?.[0]?.message).toBe('El dominio de tienda «https://Zapateria.myshopify.com» no sirve: empieza con un esquema como https://. Escribe el dominio myshopify.com de la tienda, por ejemplo mi-tienda.myshopify.com.');
    expect(english.errors?.[0]?.message).toBe('The shop domain "" cannot be used: no shop domain was given. Enter the store\'s myshopify.com domain, such as my-store.myshopify.com.');
  });

  describe('a failed reconnect of an ACTIVE connection', () => {
    const tenantId = 'tenant-reconnect';
    let sellerId: number;
    let connectionId: string;
    let before: Record<string, unknown>;

    beforeAll(async () => {
      sellerId = api.sandboxes.mercadolibre.seedSeller({ nickname: 'RECONNECT_STORE', items: [] }).userId;
      const { state, code } = await startMercadoLibre(tenantId, sellerId);
      connectionId = expectData(await complete(tenantId, { state, code })).completeMarketplaceAuthorization.id;
      before = await credentialRow(connectionId);
    });

    /** Starts an authorization, then makes the sandbox's token endpoint reply to the code exchange with `fault`. */
    const attemptWithTokenFault = (fault: Omit<FaultRule, 'method' | 'path'>) => async () => {
      const attempt = await startMercadoLibre(tenantId, sellerId);
      api.sandboxes.mercadolibre.injectFault({ method: 'POST', path: '/oauth/token', ...fault });
      return attempt;
    };

    /** Each case: how to build the attempt, the expected code, and the expected texts in es-MX and English. */
    const cases: Array<{
      name: string;
      attempt: () => Promise<Record<string, unknown>>;
      code: string;
      spanish: string;
      english: string;
    }> = [
      {
        name: 'unknown state',
        attempt: async () => ({ state: 'a-state-this-service-never-issued', code: 'TG-abc' }),
        code: 'BAD_USER_INPUT',
        spanish: 'Esta solicitud de conexión no existe o no es de este servicio. Vuelve a EGDC e inicia la conexión de nuevo.',
        english: 'This connection request does not exist or is not from this service. Go back to EGDC and start the connection again.',
      },
      {
        name: 'replayed state',
        attempt: async () => {
          const { state } = await startMercadoLibre(tenantId, sellerId);
          await complete(tenantId, { state, error: 'access_denied' });
          return { state, code: 'TG-abc' };
        },
        code: 'BAD_USER_INPUT',
        spanish: 'Esta solicitud de conexión ya se usó. Vuelve a EGDC e inicia la conexión de nuevo.',
        english: 'This connection request was already used. Go back to EGDC and start the connection again.',
      },
      {
        name: 'expired state',
        attempt: async () => {
          const { state, code } = await startMercadoLibre(tenantId, sellerId);
          await api.database.orm.em.getConnection().execute('update oauth_state set expires_at = ? where state_hash = ?', [new Date(Date.now() - 1000), hashState(state)]);
          return { state, code };
        },
        code: 'BAD_USER_INPUT',
        spanish: 'Esta solicitud de conexión expiró (dura 10 minutos). Vuelve a EGDC e inicia la conexión de nuevo.',
        english: 'This connection request expired (it lasts 10 minutes). Go back to EGDC and start the connection again.',
      },
      {
        name: 'declined authorization',
        attempt: async () => ({ state: (await startMercadoLibre(tenantId, sellerId)).state, error: 'access_denied' }),
        code: 'BAD_USER_INPUT',
        spanish: 'Cancelaste la autorización en Mercado Libre, así que no se conectó nada. Puedes intentarlo de nuevo desde EGDC.',
        english: 'You cancelled the authorization on Mercado Libre, so nothing was connected. You can try again from EGDC.',
      },
      {
        name: 'code the token endpoint rejects',
        attempt: async () => ({ state: (await startMercadoLibre(tenantId, sellerId)).state, code: REJECTED_CODE }),
        code: 'BAD_USER_INPUT',
        spanish: 'Mercado Libre rechazó el código de autorización. No se guardó nada; vuelve a EGDC e inicia la conexión de nuevo.',
        english: 'Mercado Libre rejected the authorization code. Nothing was stored; go back to EGDC and start the connection again.',
      },
      {
        name: 'token endpoint error',
        attempt: attemptWithTokenFault({ status: 400, body: { message: 'invalid code', error: 'invalid_grant', status: 400, cause: [] } }),
        code: 'BAD_USER_INPUT',
        spanish: 'Mercado Libre rechazó el código de autorización. No se guardó nada; vuelve a EGDC e inicia la conexión de nuevo.',
        english: 'Mercado Libre rejected the authorization code. Nothing was stored; go back to EGDC and start the connection again.',
      },
      {
        name: 'token endpoint that is down',
        // Every attempt fails, in case the client retries server errors.
        attempt: attemptWithTokenFault({ status: 503, times: Number.POSITIVE_INFINITY }),
        code: 'MARKETPLACE_UNAVAILABLE',
        spanish: 'Mercado Libre no respondió a la solicitud de tokens. No se guardó nada; vuelve a EGDC e inicia la conexión de nuevo en unos minutos.',
        english: 'Mercado Libre did not answer the token request. Nothing was stored; go back to EGDC and start the connection again in a few minutes.',
      },
      {
        name: 'token response of the wrong shape',
        attempt: attemptWithTokenFault({ status: 200, body: { token: 'not the documented shape' } }),
        code: 'MARKETPLACE_UNAVAILABLE',
        spanish: 'Mercado Libre respondió a la solicitud de tokens con datos que no entendemos. No se guardó nada; inténtalo de nuevo más tarde.',
        english: 'Mercado Libre answered the token request with data we do not understand. Nothing was stored; try again later.',
      },
    ];

    for (const testCase of cases) {
      it(`stores nothing on ${testCase.name}`, async () => {
        const count = await connectionCount();
        const variables = await testCase.attempt();

        const response = await complete(tenantId, variables);

        expect(response.errors?.map((error) => error.extensions?.code)).toEqual([testCase.code]);
        expect(response.errors?.[0]?.message).toBe(testCase.spanish);
        expect(response.data).toBeNull();
        expect(await connectionCount()).toBe(count);
        expect(await credentialRow(connectionId)).toEqual(before);
        api.sandboxes.mercadolibre.clearFaults();
      });

      it(`explains ${testCase.name} in English`, async () => {
        const variables = await testCase.attempt();
        const response = await complete(tenantId, variables, 'en');
        expect(response.errors?.[0]?.message).toBe(testCase.english);
        api.sandboxes.mercadolibre.clearFaults();
      });
    }

    it('keeps the previous token working', async () => {
      const connection = await crossTenantEntityManager(api.database.orm).findOneOrFail(MarketplaceConnection, { id: connectionId }, { filters: false });
      expect(connection.status).toBe('ACTIVE');
      expect(await credentialRow(connectionId)).toEqual(before);
      const accessToken = decryptToken(api.runtime.vault, { tenantId, connectionId }, 'access_token', String(before.access_token_ciphertext));

      const response = await fetch(`${api.sandboxes.mercadolibre.url}/users/me`, { headers: { authorization: `Bearer ${accessToken}` } });

      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ id: sellerId, nickname: 'RECONNECT_STORE' });
    });
  });

  describe('a state of another tenant', () => {
    it('is rejected without being used up', async () => {
      const seller = api.sandboxes.mercadolibre.seedSeller({ nickname: 'OWNER_STORE', items: [] });
      const { state, code } = await startMercadoLibre('tenant-owner', seller.userId);
      const count = await connectionCount();

      const spanish = await complete('tenant-intruder', { state, code });
      const english = await complete('tenant-intruder', { state, code }, 'en');

      expect(spanish.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
      expect(spanish.errors?.[0]?.message).toBe('Esta solicitud de conexión se inició desde otra cuenta de EGDC, así que no se usó. Inicia la conexión de nuevo desde esta cuenta.');
      expect(english.errors?.[0]?.message).toBe('This connection request was started from another EGDC account, so it was not used. Start the connection again from this account.');
      expect(await connectionCount()).toBe(count);

      const owner = expectData(await complete('tenant-owner', { state, code })).completeMarketplaceAuthorization;
      expect(owner).toMatchObject({ externalAccountId: String(seller.userId), status: 'ACTIVE' });
    });
  });
});
