import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startRuntime, type Runtime } from '../../src/app/runtime.js';
import { createDevelopmentToken } from '../../src/commands/dev-token.js';
import { loadConfig } from '../../src/config.js';
import { freePort } from '../../src/database/embedded.js';
import { startSandboxes, type Sandboxes } from '../../src/demo/sandboxes.js';
import { recordRuntimeSecrets } from '../support/api-server.js';
import { captureResponsesFrom } from '../support/capture.js';
import type { TestDatabase } from '../support/database.js';
import { expectData, postGraphQL, type GraphQLResponse } from '../support/graphql-client.js';
import { testLogger } from '../support/logger.js';
import { recordSecret } from '../support/secret-ledger.js';

const START = `mutation Start($marketplace: Marketplace!, $shopDomain: String) {
  startMarketplaceAuthorization(marketplace: $marketplace, shopDomain: $shopDomain) { authorizationUrl }
}`;

const COMPLETE = `mutation Complete($marketplace: Marketplace!, $state: String!, $code: String, $redirectQuery: String) {
  completeMarketplaceAuthorization(marketplace: $marketplace, state: $state, code: $code, redirectQuery: $redirectQuery) { id }
}`;

/** The only `returnTo` prefix the connection tests' runtime allows. */
export const ALLOWED_RETURN_URL = 'https://app.example.test/settings/';

/**
 * The real runtime (role `all`) with all four marketplace sandboxes, for the connection management
 * tests: support/api-server.ts exposes only the MercadoLibre sandbox.
 */
export interface ConnectionApi {
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
  close(): Promise<void>;
}

export async function startConnectionApi(database: TestDatabase, env: Record<string, string> = {}): Promise<ConnectionApi> {
  const logger = testLogger();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'egdc-test-connections-'));
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, JOB_POLL_INTERVAL_MS: '200', ALLOWED_RETURN_URLS: ALLOWED_RETURN_URL, ...env });
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;

  let sandboxes: Sandboxes | undefined;
  let runtime: Runtime | undefined;
  try {
    sandboxes = await startSandboxes({ publicUrl, logger, mercadolibreRatePerSecond: 1_000 });
    runtime = await startRuntime({ config, logger, role: 'all', databaseUrl: database.url, port, publicUrl, endpoints: sandboxes.endpoints });
  } catch (error) {
    await sandboxes?.close();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const started = runtime;
  const startedSandboxes = sandboxes;
  const close = async () => {
    await started.stop();
    await startedSandboxes.close();
    await rm(dataDir, { recursive: true, force: true });
  };
  const { http, jwtSecret } = runtime;
  if (!http || !jwtSecret) {
    await close();
    throw new Error('The runtime started without an HTTP server or a JWT secret (role all, NODE_ENV=test).');
  }
  await recordRuntimeSecrets(dataDir, jwtSecret);
  captureResponsesFrom(http.url);

  const token = async (tenantId: string) => {
    const signed = await createDevelopmentToken({ secret: jwtSecret, tenantId, userId: 'user-1' });
    recordSecret('API bearer token (JWT)', signed);
    return signed;
  };
  const graphql = async <T,>(tenantId: string, query: string, variables: Record<string, unknown> = {}, locale: 'en' | 'es-MX' = 'es-MX') =>
    postGraphQL<T, Record<string, unknown>>(http.graphqlUrl, query, variables, { token: await token(tenantId), headers: { 'accept-language': locale } });
  const start = async (tenantId: string, marketplace: string, shopDomain?: string): Promise<URL> => {
    const started = expectData(await graphql<{ startMarketplaceAuthorization: { authorizationUrl: string } }>(tenantId, START, { marketplace, shopDomain }));
    return new URL(started.startMarketplaceAuthorization.authorizationUrl);
  };
  const completeWith = async (tenantId: string, variables: Record<string, unknown>): Promise<string> =>
    expectData(await graphql<{ completeMarketplaceAuthorization: { id: string } }>(tenantId, COMPLETE, variables)).completeMarketplaceAuthorization.id;

  return {
    runtime,
    graphqlUrl: http.graphqlUrl,
    wsUrl: http.wsUrl,
    sandboxes,
    token,
    graphql,
    async connectMercadoLibre(tenantId, seller) {
      const sellerId = typeof seller === 'number' ? seller : startedSandboxes.mercadolibre.seedSeller({ nickname: seller, items: [] }).userId;
      const url = await start(tenantId, 'MERCADOLIBRE');
      const code = startedSandboxes.mercadolibre.issueAuthorizationCode({
        clientId: url.searchParams.get('client_id')!,
        userId: sellerId,
        redirectUri: url.searchParams.get('redirect_uri')!,
        codeChallenge: url.searchParams.get('code_challenge')!,
      });
      return { sellerId, connectionId: await completeWith(tenantId, { marketplace: 'MERCADOLIBRE', state: url.searchParams.get('state'), code }) };
    },
    async connectShopify(tenantId, shopDomain) {
      startedSandboxes.shopify.seedShop({ shopDomain, products: [] });
      const url = await start(tenantId, 'SHOPIFY', shopDomain);
      const state = url.searchParams.get('state')!;
      const issued = startedSandboxes.shopify.issueAuthorizationCode({ clientId: url.searchParams.get('client_id')!, shopDomain, redirectUri: url.searchParams.get('redirect_uri')!, state });
      return { connectionId: await completeWith(tenantId, { marketplace: 'SHOPIFY', state, redirectQuery: new URLSearchParams(issued.callbackQuery).toString() }) };
    },
    close,
  };
}
