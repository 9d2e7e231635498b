import type { Runtime } from '../../src/app/runtime.js';
import type { Sandboxes } from '../../src/demo/sandboxes.js';
import { startTestApi, type TestApi } from '../support/api-server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { expectData, postGraphQL, type GraphQLResponse } from '../support/graphql-client.js';

const START = `mutation Start($marketplace: Marketplace!, $shopDomain: String) {
  startMarketplaceAuthorization(marketplace: $marketplace, shopDomain: $shopDomain) { authorizationUrl }
}`;

const COMPLETE = `mutation Complete($marketplace: Marketplace!, $state: String!, $code: String, $redirectQuery: String) {
  completeMarketplaceAuthorization(marketplace: $marketplace, state: $state, code: $code, redirectQuery: $redirectQuery) { id }
}`;

/** The only `returnTo` prefix the connection tests' runtime allows. */
export const ALLOWED_RETURN_URL = 'https://app.example.test/settings/';

/**
 * The real runtime (role `all`) with the four marketplace sandboxes on its own test database, with
 * the GraphQL steps the connection management tests repeat.
 */
export interface ConnectionApi {
  database: TestDatabase;
  runtime: Runtime;
  graphqlUrl: string;
  wsUrl: string;
  sandboxes: Sandboxes;
  /** Sends one operation as a user of `tenantId`; `locale` sets Accept-Language (es-MX by default). */
  graphql<T>(tenantId: string, query: string, variables?: Record<string, unknown>, locale?: 'en' | 'es-MX'): Promise<GraphQLResponse<T>>;
  /** Signs a valid HS256 user token for `tenantId`. */
  token(tenantId: string): Promise<string>;
  /**
   * Connects a MercadoLibre seller through startMarketplaceAuthorization and completeMarketplaceAuthorization:
   * a new seller named `seller`, or the seller with that id.
   */
  connectMercadoLibre(tenantId: string, seller: string | number): Promise<{ connectionId: string; sellerId: number }>;
  /** Seeds a Shopify shop and connects it the same way, with the signed redirect query. */
  connectShopify(tenantId: string, shopDomain: string): Promise<{ connectionId: string }>;
  /** Stops the runtime and the sandboxes, then drops the database. */
  close(): Promise<void>;
}

/** Creates a database and starts the runtime on it, allowing only ALLOWED_RETURN_URL as `returnTo`. */
export async function startConnectionApi(): Promise<ConnectionApi> {
  const database = await createTestDatabase();
  let api: TestApi;
  try {
    api = await startTestApi(database, { env: { ALLOWED_RETURN_URLS: ALLOWED_RETURN_URL } });
  } catch (error) {
    await database.close();
    throw error;
  }
  const { sandboxes } = api;

  const token = (tenantId: string) => api.token(tenantId);
  const graphql = async <T,>(tenantId: string, query: string, variables: Record<string, unknown> = {}, locale: 'en' | 'es-MX' = 'es-MX') =>
    postGraphQL<T, Record<string, unknown>>(api.graphqlUrl, query, variables, { token: await token(tenantId), headers: { 'accept-language': locale } });
  const start = async (tenantId: string, marketplace: string, shopDomain?: string): Promise<URL> => {
    const started = expectData(await graphql<{ startMarketplaceAuthorization: { authorizationUrl: string } }>(tenantId, START, { marketplace, shopDomain }));
    return new URL(started.startMarketplaceAuthorization.authorizationUrl);
  };
  const completeWith = async (tenantId: string, variables: Record<string, unknown>): Promise<string> =>
    expectData(await graphql<{ completeMarketplaceAuthorization: { id: string } }>(tenantId, COMPLETE, variables)).completeMarketplaceAuthorization.id;

  return {
    database,
    runtime: api.runtime,
    graphqlUrl: api.graphqlUrl,
    wsUrl: api.wsUrl,
    sandboxes,
    token,
    graphql,
    async connectMercadoLibre(tenantId, seller) {
      const sellerId = typeof seller === 'number' ? seller : sandboxes.mercadolibre.seedSeller({ nickname: seller, items: [] }).userId;
      const url = await start(tenantId, 'MERCADOLIBRE');
      const code = sandboxes.mercadolibre.issueAuthorizationCode({
        clientId: url.searchParams.get('client_id')!,
        userId: sellerId,
        redirectUri: url.searchParams.get('redirect_uri')!,
        codeChallenge: url.searchParams.get('code_challenge')!,
      });
      return { sellerId, connectionId: await completeWith(tenantId, { marketplace: 'MERCADOLIBRE', state: url.searchParams.get('state'), code }) };
    },
    async connectShopify(tenantId, shopDomain) {
      sandboxes.shopify.seedShop({ shopDomain, products: [] });
      const url = await start(tenantId, 'SHOPIFY', shopDomain);
      const state = url.searchParams.get('state')!;
      const issued = sandboxes.shopify.issueAuthorizationCode({ clientId: url.searchParams.get('client_id')!, shopDomain, redirectUri: url.searchParams.get('redirect_uri')!, state });
      return { connectionId: await completeWith(tenantId, { marketplace: 'SHOPIFY', state, redirectQuery: new URLSearchParams(issued.callbackQuery).toString() }) };
    },
    async close() {
      await api.close();
      await database.close();
    },
  };
}
