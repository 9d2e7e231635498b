import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { fetchItem, MercadoLibreClient, type MercadoLibreConfig } from '../../src/connectors/mercadolibre/index.js';
import { ResiliencePolicy } from '../../src/connectors/shared/resilience/index.js';
import type { TokenSet } from '../../src/connectors/shared/index.js';
import { ShopifyGraphqlClient, type GraphqlOperation, type ShopifyConfig } from '../../src/connectors/shopify/index.js';
import { estimateQueryCost } from '../../src/connectors/shopify/cost-estimate.js';
import { IMPORT_PRODUCTS, IMPORT_VARIANTS, PRIMARY_LOCATION, PRODUCT_LISTINGS, setQuantitiesOperation, SHOP_INFO, STOCK_LEVELS } from '../../src/connectors/shopify/queries.js';
import { startMercadoLibreSandbox } from '../../src/sandbox/mercadolibre/index.js';
import type { MercadoLibreSandbox } from '../../src/sandbox/mercadolibre/types.js';
import { startShopifySandbox, type SeededProduct, type ShopifySandbox } from '../../src/sandbox/shopify/index.js';
import * as mercadolibre from '../connectors/mercadolibre-fixtures.js';
import * as shopify from '../connectors/shopify-fixtures.js';
import { testLogger } from '../support/logger.js';
import { RecordingTraffic, rejectionOf } from './support.js';

describe('traffic control on Shopify calls', () => {
  const SHOP = 'zapateria-trafico.myshopify.com';
  const GRAPHQL_PATH = `/shops/${SHOP}/admin/api/2026-04/graphql.json`;
  let sandbox: ShopifySandbox;
  let config: ShopifyConfig;
  let tokens: TokenSet;
  let products: SeededProduct[];
  let locationId: string;

  beforeAll(async () => {
    sandbox = await startShopifySandbox({ apps: [shopify.sandboxApp()], logger: testLogger() });
    config = shopify.sandboxConfig(sandbox);
    const seeded = sandbox.seedShop({ shopDomain: SHOP, plan: 'plus', products: shopify.footwearProducts(3, 'TRF') });
    products = seeded.products;
    locationId = seeded.locationIds[0] ?? '';
    ({ tokens } = await shopify.connectShop(sandbox, config, SHOP));
  });

  beforeEach(() => {
    sandbox.clearFaults();
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  function clientWith(traffic: RecordingTraffic, calls: { count: number } = { count: 0 }): ShopifyGraphqlClient {
    return new ShopifyGraphqlClient({
      config,
      shopDomain: SHOP,
      tokenSource: { getAccessToken: async () => tokens.accessToken },
      traffic,
      onApiCall: () => {
        calls.count += 1;
      },
      resilience: new ResiliencePolicy({ baseDelayMs: 0 }),
      logger: testLogger(),
    });
  }

  it('spends the estimated cost and reports the actual one', async () => {
    const traffic = new RecordingTraffic();

    const { cost } = await clientWith(traffic).requestWithCost(IMPORT_PRODUCTS, { first: 50, after: null });

    expect(traffic.events.map((event) => event.type)).toEqual(['acquire', 'settle']);
    expect(traffic.acquired[0]).toEqual({ endpointClass: 'graphql', cost: cost?.requestedQueryCost });
    expect(traffic.settled[0]).toMatchObject({ status: 200, actualCost: cost?.actualQueryCost, throttleStatus: cost?.throttleStatus });
    expect(traffic.settled[0]?.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('estimates what Shopify reports as requested cost', async () => {
    const variantIds = products.flatMap((product) => product.variantIds);
    const productId = products[0]?.productId ?? '';
    const cases: Array<[GraphqlOperation<z.ZodType>, Record<string, unknown>]> = [
      [IMPORT_PRODUCTS, { first: 100, after: null }],
      [IMPORT_VARIANTS, { first: 100, after: null, query: `product_id:${productId.split('/').pop()}`, locationId }],
      [STOCK_LEVELS, { ids: variantIds, locationId }],
      [PRODUCT_LISTINGS, { id: productId, after: null, locationId }],
      [PRIMARY_LOCATION, {}],
      [SHOP_INFO, {}],
    ];
    const client = clientWith(new RecordingTraffic());

    for (const [operation, variables] of cases) {
      const { cost } = await client.requestWithCost(operation, variables);
      expect(estimateQueryCost(operation.document, variables, operation.name), operation.name).toBe(cost?.requestedQueryCost);
    }
    expect(estimateQueryCost(setQuantitiesOperation('7f0c2c5e-1111-4a4a-9b9b-000000000001').document)).toBe(10);
  });

  it('acquires and settles once per attempt', async () => {
    const traffic = new RecordingTraffic();
    const calls = { count: 0 };
    sandbox.injectFault({ method: 'POST', path: GRAPHQL_PATH, status: 503 });
    sandbox.injectFault({ method: 'POST', path: GRAPHQL_PATH, status: 429, headers: { 'retry-after': '0' }, body: { errors: 'Throttled' } });

    await clientWith(traffic, calls).request(PRIMARY_LOCATION);

    expect(traffic.events.map((event) => event.type)).toEqual(['acquire', 'settle', 'acquire', 'settle', 'acquire', 'settle']);
    expect(traffic.settled.map((outcome) => outcome.status)).toEqual([503, 429, 200]);
    expect(traffic.settled[1]?.retryAfterSeconds).toBe(0);
    expect(calls.count).toBe(3);
  });

  it('settles a timed-out attempt without a status', async () => {
    const traffic = new RecordingTraffic();
    sandbox.injectFault({ method: 'POST', path: GRAPHQL_PATH, latencyMs: 400 });
    const impatient = new ShopifyGraphqlClient({
      config: shopify.sandboxConfig(sandbox, { timeoutMs: 100 }),
      shopDomain: SHOP,
      tokenSource: { getAccessToken: async () => tokens.accessToken },
      traffic,
      resilience: new ResiliencePolicy({ maxAttempts: 1 }),
      logger: testLogger(),
    });

    const error = await rejectionOf(impatient.request(PRIMARY_LOCATION));

    expect(error).toMatchObject({ kind: 'transient', code: 'timeout' });
    expect(traffic.settled).toHaveLength(1);
    expect(traffic.settled[0]?.status).toBeNull();
  });
});

describe('traffic control on MercadoLibre calls', () => {
  let sandbox: MercadoLibreSandbox;
  let config: MercadoLibreConfig;
  let tokens: TokenSet;
  let itemId: string;

  beforeAll(async () => {
    sandbox = await startMercadoLibreSandbox({ apps: [mercadolibre.sandboxApp()], ratePerSecond: 1000, logger: testLogger() });
    config = mercadolibre.sandboxConfig(sandbox);
    const seeded = sandbox.seedSeller({ nickname: 'TIENDA_TRAFICO', items: mercadolibre.footwearItems(1, 'TRF') });
    itemId = seeded.itemIds[0] ?? '';
    ({ tokens } = await mercadolibre.connectSeller(sandbox, config, seeded.userId));
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  it('names the endpoint class and passes the clamped Retry-After', async () => {
    const traffic = new RecordingTraffic();
    sandbox.injectFault({ method: 'GET', path: `/items/${itemId}`, status: 429, headers: { 'retry-after': '3600' }, body: { message: 'local_rate_limited', error: 'local_rate_limited', status: 429, cause: [] } });
    const client = new MercadoLibreClient({
      config,
      tokenSource: { getAccessToken: async () => tokens.accessToken },
      traffic,
      resilience: new ResiliencePolicy({ baseDelayMs: 0, maxRetryAfterSeconds: 0 }),
      logger: testLogger(),
    });

    await fetchItem(client, itemId);

    expect(traffic.acquired).toEqual([
      { endpointClass: 'items.read', cost: 1 },
      { endpointClass: 'items.read', cost: 1 },
    ]);
    expect(traffic.settled.map((outcome) => [outcome.status, outcome.retryAfterSeconds])).toEqual([
      [429, 0],
      [200, undefined],
    ]);
  });
});
