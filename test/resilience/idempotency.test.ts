import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ResiliencePolicy } from '../../src/connectors/shared/resilience/index.js';
import type { TokenSet } from '../../src/connectors/shared/index.js';
import { createSheinConnector, type SheinConfig } from '../../src/connectors/shein/index.js';
import { ShopifyGraphqlClient, writeStock, type ShopifyConfig } from '../../src/connectors/shopify/index.js';
import { bulkCatalogQuery, START_BULK_QUERY } from '../../src/connectors/shopify/queries.js';
import { PRODUCT_SEARCH_PATH, TikTokClient } from '../../src/connectors/tiktok/index.js';
import type { SeededSeller, SheinSandbox } from '../../src/sandbox/shein/index.js';
import { startShopifySandbox, type RecordedRequest, type ShopifySandbox } from '../../src/sandbox/shopify/index.js';
import { startTikTokSandbox, type TikTokSandbox } from '../../src/sandbox/tiktok/index.js';
import * as shein from '../connectors/shein-fixtures.js';
import * as shopify from '../connectors/shopify-fixtures.js';
import * as tiktok from '../connectors/tiktok-fixtures.js';
import { testLogger } from '../support/logger.js';
import { rejectionOf } from './support.js';

const policy = new ResiliencePolicy({ baseDelayMs: 0 });

describe('Shopify', () => {
  const SHOP = 'zapateria-idempotente.myshopify.com';
  const GRAPHQL_PATH = `/shops/${SHOP}/admin/api/2026-04/graphql.json`;
  let sandbox: ShopifySandbox;
  let config: ShopifyConfig;
  let client: ShopifyGraphqlClient;
  let product: { productId: string; variantIds: string[] };
  let locationId: string;

  beforeAll(async () => {
    sandbox = await startShopifySandbox({ apps: [shopify.sandboxApp()], logger: testLogger() });
    config = shopify.sandboxConfig(sandbox);
    const seeded = sandbox.seedShop({ shopDomain: SHOP, products: shopify.footwearProducts(1, 'IDM') });
    product = seeded.products[0] ?? { productId: '', variantIds: [] };
    locationId = seeded.locationIds[0] ?? '';
    const connected = await shopify.connectShop(sandbox, config, SHOP);
    client = new ShopifyGraphqlClient({ config, shopDomain: SHOP, tokenSource: connected.session.tokens, resilience: policy, logger: testLogger() });
  });

  beforeEach(() => {
    sandbox.clearFaults();
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  function requestsOf(operationName: string, from: number): RecordedRequest[] {
    return sandbox.requests.slice(from).filter((request) => (request.body as { operationName?: string } | undefined)?.operationName === operationName);
  }

  function keyOf(request: RecordedRequest | undefined): string | undefined {
    return /@idempotent\(key: "([^"]+)"\)/.exec((request?.body as { query: string }).query)?.[1];
  }

  it('keeps the stock write key across a 503', async () => {
    const variantId = product.variantIds[0] ?? '';
    // The first GraphQL call reads the current quantities; the second is the write.
    sandbox.injectFault({ method: 'POST', path: GRAPHQL_PATH, latencyMs: 0 });
    sandbox.injectFault({ method: 'POST', path: GRAPHQL_PATH, status: 503 });
    const before = sandbox.requests.length;

    const result = await writeStock(client, [{ externalId: product.productId, externalVariantId: variantId, quantity: 11 }], { locationId });

    expect(result.failed).toEqual([]);
    const writes = requestsOf('SetAvailableQuantities', before);
    expect(writes.map((request) => request.status)).toEqual([503, 200]);
    expect(keyOf(writes[0])).toBeDefined();
    expect(keyOf(writes[1])).toBe(keyOf(writes[0]));
    expect(writes[1]?.rawBody).toBe(writes[0]?.rawBody);
    expect(sandbox.getAvailable(variantId)).toBe(11);
  });

  it('does not repeat a mutation without a key after a 503', async () => {
    sandbox.injectFault({ method: 'POST', path: GRAPHQL_PATH, status: 503 });
    const before = sandbox.requests.length;

    const error = await rejectionOf(client.request(START_BULK_QUERY, { query: bulkCatalogQuery(locationId) }));

    expect(error).toMatchObject({ kind: 'transient', status: 503 });
    expect(requestsOf('StartBulkQuery', before)).toHaveLength(1);
  });

  it('repeats a mutation without a key after a 429', async () => {
    sandbox.injectFault({ method: 'POST', path: GRAPHQL_PATH, status: 429, headers: { 'retry-after': '0' }, body: { errors: 'Exceeded 2 calls per second for api client.' } });
    const before = sandbox.requests.length;

    const result = await client.request(START_BULK_QUERY, { query: bulkCatalogQuery(locationId) });

    expect(result.bulkOperationRunQuery.userErrors).toEqual([]);
    expect(requestsOf('StartBulkQuery', before).map((request) => request.status)).toEqual([429, 200]);
  });
});

describe('SHEIN', () => {
  const CHANGE_PATH = '/open-api/stock/change-inventory/v2';
  let sandbox: SheinSandbox;
  let config: SheinConfig;
  let seeded: SeededSeller;
  let tokens: TokenSet;

  beforeAll(async () => {
    sandbox = await shein.startTestSandbox();
    config = shein.sandboxConfig(sandbox);
    seeded = sandbox.seedSeller({ name: 'ZAPATERIA_IDEMPOTENTE', products: shein.footwear(1, 'IDM') });
    tokens = await shein.connectSeller(sandbox, config, seeded.supplierId);
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  it('keeps the row keys across a 503', async () => {
    const connector = createSheinConnector(config, { resilience: policy });
    sandbox.injectFault({ method: 'POST', path: CHANGE_PATH, status: 503 });
    const skuCode = seeded.skuCodes[0] ?? '';
    const before = sandbox.requests.length;

    const result = await connector.writeStock(shein.sessionFor(tokens), [{ externalId: seeded.spuNames[0] ?? '', externalVariantId: skuCode, quantity: 6 }]);

    expect(result.failed).toEqual([]);
    const calls = sandbox.requests.slice(before).filter((request) => request.path === CHANGE_PATH);
    expect(calls.map((request) => request.status)).toEqual([503, 200]);
    const keys = calls.map((call) => (call.body as { updateSkuInventoryQuantityRequests: Array<{ idempotencyKey: string }> }).updateSkuInventoryQuantityRequests[0]?.idempotencyKey);
    expect(keys[0]).toBeDefined();
    expect(keys[1]).toBe(keys[0]);
    expect(sandbox.getSku(skuCode)?.usable).toBe(6);
  });
});

describe('TikTok Shop', () => {
  let sandbox: TikTokSandbox;
  let client: TikTokClient;

  beforeAll(async () => {
    sandbox = await startTikTokSandbox({ apps: [tiktok.sandboxApp()], logger: testLogger() });
    const config = tiktok.sandboxConfig(sandbox);
    const seller = sandbox.seedSeller({ sellerName: 'Zapatería Idempotente', shops: [{ name: 'IDEM_MX', products: tiktok.footwearProducts(1, 'IDM') }] });
    const connected = await tiktok.connectShop(sandbox, config, seller.openId);
    const cipher = seller.shops[0]?.cipher;
    client = new TikTokClient({ config, tokenSource: connected.session.tokens, shopCipher: cipher, resilience: policy, logger: testLogger() });
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  it('does not repeat an unmarked POST after a 503', async () => {
    sandbox.injectFault({ method: 'POST', path: PRODUCT_SEARCH_PATH, status: 503, body: { code: 36009999, message: 'Service is busy', request_id: 'r', data: {} } });
    const before = sandbox.requests.length;

    const error = await rejectionOf(client.request({ method: 'POST', path: PRODUCT_SEARCH_PATH, query: { page_size: 1 }, body: {}, schema: z.unknown() }));

    expect(error).toMatchObject({ kind: 'transient', status: 503 });
    expect(sandbox.requests.slice(before).filter((request) => request.path === PRODUCT_SEARCH_PATH)).toHaveLength(1);
  });

  it('repeats a POST marked idempotent after a 503', async () => {
    sandbox.injectFault({ method: 'POST', path: PRODUCT_SEARCH_PATH, status: 503, body: { code: 36009999, message: 'Service is busy', request_id: 'r', data: {} } });
    const before = sandbox.requests.length;

    await client.request({ method: 'POST', path: PRODUCT_SEARCH_PATH, query: { page_size: 1 }, body: {}, schema: z.unknown(), idempotent: true });

    expect(sandbox.requests.slice(before).filter((request) => request.path === PRODUCT_SEARCH_PATH).map((request) => request.status)).toEqual([503, 200]);
  });
});
