import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createShopifyConnector, fetchOrder, type ShopifyConfig, type ShopifyConnector } from '../../src/connectors/shopify/index.js';
import { MarketplaceError, ResiliencePolicy, type ConnectorSession } from '../../src/connectors/shared/index.js';
import { startShopifySandbox, type ShopifySandbox } from '../../src/sandbox/shopify/index.js';
import { CLIENT_ID, connectShop, footwearProducts, sandboxApp, sandboxConfig, type ConnectedShop } from './shopify-fixtures.js';
import { testLogger } from '../support/logger.js';

const singleAttempt = new ResiliencePolicy({ maxAttempts: 1 });

const SHOP = 'zapateria-fallas.myshopify.com';
const GRAPHQL_PATH = `/shops/${SHOP}/admin/api/2026-04/graphql.json`;

let sandbox: ShopifySandbox;
let config: ShopifyConfig;
let connector: ShopifyConnector;
let connected: ConnectedShop;
let variantId: string;

beforeAll(async () => {
  sandbox = await startShopifySandbox({ apps: [sandboxApp()], logger: testLogger() });
  config = sandboxConfig(sandbox);
  const seeded = sandbox.seedShop({ shopDomain: SHOP, products: footwearProducts(3, 'FALLA') });
  variantId = seeded.products[0]?.variantIds[0] ?? '';
  // One attempt per call: these tests check how each response is handled; test/resilience covers retries.
  connector = createShopifyConnector(config, { importPageSize: 3, resilience: singleAttempt });
  connected = await connectShop(sandbox, config, SHOP);
});

afterEach(() => {
  sandbox.clearFaults();
  sandbox.setThrottle({});
  sandbox.setBucketAvailable(SHOP, CLIENT_ID, 2000);
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

interface CostDetails {
  cost: { requestedQueryCost: number; throttleStatus: { currentlyAvailable: number; restoreRate: number; maximumAvailable: number } };
}

describe('Shopify throttling', () => {
  it('reports the bucket after each call', async () => {
    await connector.importListings(connected.session, null);

    const status = connector.lastThrottleStatus(SHOP);
    expect(status).toMatchObject({ maximumAvailable: 2000, restoreRate: 100 });
    expect(status?.currentlyAvailable).toBeLessThan(2000);
    expect(status?.actualQueryCost).toBeLessThanOrEqual(status?.requestedQueryCost ?? 0);
    expect(status?.observedAt).toBeInstanceOf(Date);
  });

  it('classifies an empty bucket as throttled', async () => {
    sandbox.setThrottle({ restoreRate: 10 });
    sandbox.setBucketAvailable(SHOP, CLIENT_ID, 0);

    const error = await rejectionOf(connector.importListings(connected.session, null));

    expect(error.kind).toBe('throttled');
    expect(error.code).toBe('THROTTLED');
    expect(error.status).toBe(200);
    expect(error.retryable).toBe(true);
    const { cost } = error.details as CostDetails;
    const deficit = cost.requestedQueryCost - cost.throttleStatus.currentlyAvailable;
    expect(cost.throttleStatus.restoreRate).toBe(10);
    expect(error.retryAfterSeconds).toBe(Math.ceil(deficit / 10));
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(error.message).toContain(`Retry after ${error.retryAfterSeconds} s`);
    expect(connector.lastThrottleStatus(SHOP)?.actualQueryCost).toBeNull();
    const answer = sandbox.requests.at(-1);
    expect(answer?.status).toBe(200);
  });

  it('classifies a THROTTLED burst', async () => {
    sandbox.injectFault({
      method: 'POST',
      path: GRAPHQL_PATH,
      status: 200,
      body: {
        errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }],
        extensions: { cost: { requestedQueryCost: 752, actualQueryCost: null, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 152, restoreRate: 100 } } },
      },
    });

    const error = await rejectionOf(connector.importListings(connected.session, null));

    expect(error.kind).toBe('throttled');
    expect(error.retryAfterSeconds).toBe(6);
  });

  it('reads Retry-After on a 429', async () => {
    sandbox.injectFault({ method: 'POST', path: GRAPHQL_PATH, status: 429, headers: { 'retry-after': '2.0' }, body: { errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' } });

    const error = await rejectionOf(connector.importListings(connected.session, null));

    expect(error.kind).toBe('throttled');
    expect(error.status).toBe(429);
    expect(error.retryAfterSeconds).toBe(2);
    expect(error.marketplaceMessage).toMatch(/^Exceeded 2 calls per second/);
  });
});

describe('Shopify error mapping', () => {
  it('maps a revoked token to auth', async () => {
    const revoked = await connectShop(sandbox, config, SHOP);
    sandbox.revokeAuthorization(SHOP);

    const error = await rejectionOf(connector.importListings(revoked.session, null));

    expect(error.kind).toBe('auth');
    expect(error.code).toBe('invalid_token');
    expect(error.status).toBe(401);
    expect(error.message).not.toContain(revoked.tokens.accessToken);
    connected = await connectShop(sandbox, config, SHOP);
  });

  it('maps 503 to transient', async () => {
    sandbox.injectFault({ method: 'POST', path: GRAPHQL_PATH, status: 503 });

    const error = await rejectionOf(connector.importListings(connected.session, null));

    expect(error.kind).toBe('transient');
    expect(error.status).toBe(503);
  });

  it('maps a timeout to transient', async () => {
    const impatient = createShopifyConnector(sandboxConfig(sandbox, { timeoutMs: 100 }), { resilience: singleAttempt });
    sandbox.injectFault({ method: 'POST', path: GRAPHQL_PATH, latencyMs: 400 });

    const error = await rejectionOf(impatient.importListings(connected.session, null));

    expect(error.kind).toBe('transient');
    expect(error.code).toBe('timeout');
  });

  it('maps a missing scope to auth', async () => {
    const limited = await connectShop(sandbox, config, SHOP, ['read_products', 'read_inventory', 'read_locations']);
    const order = sandbox.createOrder({ shopDomain: SHOP, lines: [{ variantId, quantity: 1 }] });

    const error = await rejectionOf(fetchOrder(limited.client, order.id));

    expect(error.kind).toBe('auth');
    expect(error.code).toBe('ACCESS_DENIED');
    expect(error.marketplaceMessage).toContain('read_orders');
  });

  it('maps a too expensive query to invalid input', async () => {
    const expensive = {
      name: 'Expensive',
      document: 'query Expensive { products(first: 250) { nodes { variants(first: 250) { nodes { id } } } } }',
      data: z.unknown(),
    };

    const error = await rejectionOf(connected.client.request(expensive));

    expect(error.kind).toBe('invalid_input');
    expect(error.code).toBe('MAX_COST_EXCEEDED');
    expect(error.marketplaceMessage).toMatch(/^Query cost is 63252, which exceeds the single query max cost limit \(1000\)/);
  });

  it('maps a missing order to not found', async () => {
    const error = await rejectionOf(fetchOrder(connected.client, 'gid://shopify/Order/1'));

    expect(error.kind).toBe('not_found');
  });

  it('rejects a session for a bad shop', async () => {
    const session: ConnectorSession = { ...connected.session, accountId: 'evil.example.com', metadata: undefined };
    const before = sandbox.requests.length;

    const error = await rejectionOf(connector.importListings(session, null));

    expect(error.code).toBe('invalid_shop_domain');
    expect(sandbox.requests.length).toBe(before);
  });

  it('rejects a body that is not JSON', async () => {
    sandbox.injectFault({ method: 'POST', path: GRAPHQL_PATH, status: 200, body: '<html>maintenance</html>', headers: { 'content-type': 'text/html' } });

    const error = await rejectionOf(connector.importListings(connected.session, null));

    expect(error.code).toBe('unexpected_response');
    expect(error.message).toContain('(root)');
  });
});
