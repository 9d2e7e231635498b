import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MarketplaceError, MarketplaceResponseShapeError, ResiliencePolicy, type TokenSet } from '../../src/connectors/shared/index.js';
import { z } from 'zod';
import { createSheinConnector, fetchListings, fetchOrder, fetchSpu, importPage, SheinClient, type SheinConfig } from '../../src/connectors/shein/index.js';
import type { SeededSeller, SheinSandbox } from '../../src/sandbox/shein/index.js';
import { connectSeller, footwear, sandboxConfig, sessionFor, startTestSandbox } from './shein-fixtures.js';

const singleAttempt = new ResiliencePolicy({ maxAttempts: 1 });

let sandbox: SheinSandbox;
let config: SheinConfig;
let seeded: SeededSeller;
let tokens: TokenSet;
let client: SheinClient;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  config = sandboxConfig(sandbox);
  seeded = sandbox.seedSeller({ name: 'ZAPATERIA_FALLAS', products: footwear(3, 'FAL') });
  tokens = await connectSeller(sandbox, config, seeded.supplierId);
  // One attempt per call: these tests check how each response is handled; test/resilience covers retries.
  client = new SheinClient({ config, openKeyId: String(tokens.metadata?.openKeyId), tokenSource: { getAccessToken: async () => tokens.accessToken }, resilience: singleAttempt });
});

beforeEach(() => {
  sandbox.clearFaults();
  sandbox.setRequestSpacing(0);
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

function spuName(): string {
  return seeded.spuNames[0] ?? '';
}

describe('SHEIN error mapping', () => {
  it('maps the rate limit to throttled', async () => {
    sandbox.setRequestSpacing(150);

    const outcomes = await Promise.allSettled([fetchSpu(client, spuName()), fetchSpu(client, spuName())]);

    // Two calls sent at once are less than 150 ms apart, so the second one is rejected.
    const rejected = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    expect(rejected).toHaveLength(1);
    const error = rejected[0]?.reason as MarketplaceError;
    expect(error).toBeInstanceOf(MarketplaceError);
    expect(error.kind).toBe('throttled');
    expect(error.status).toBe(429);
    expect(error.code).toBe('832213');
    expect(error.marketplaceMessage).toContain('限流');
    expect(error.retryable).toBe(true);
    expect(error.retryAfterSeconds).toBeUndefined();
    const limited = sandbox.requests.find((request) => request.status === 429);
    expect(limited?.path).toBe('/open-api/goods/spu-info');
  });

  it('reads Retry-After on a 429', async () => {
    sandbox.injectFault({ path: '/open-api/goods/spu-info', status: 429, headers: { 'retry-after': '3' } });

    const error = await rejectionOf(fetchListings(client, [spuName()]));

    expect(error.kind).toBe('throttled');
    expect(error.code).toBe('832213');
    expect(error.retryAfterSeconds).toBe(3);
    expect(error.message).toMatch(/Retry after 3 s/);
  });

  it('maps any 429 to throttled', async () => {
    sandbox.injectFault({ path: '/open-api/goods/spu-info', status: 429, body: 'Too Many Requests' });

    const error = await rejectionOf(fetchListings(client, [spuName()]));

    expect(error.kind).toBe('throttled');
    expect(error.code).toBe('832213');
  });

  it('maps 503 to transient', async () => {
    sandbox.injectFault({ path: '/open-api/openapi-business-backend/product/query', status: 503 });

    const error = await rejectionOf(importPage(client, null));

    expect(error.kind).toBe('transient');
    expect(error.status).toBe(503);
    expect(error.code).toBe('500000');
    expect(error.details).toEqual({ traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
  });

  it('maps a timeout to transient', async () => {
    const slowClient = new SheinClient({ config: { ...config, timeoutMs: 100 }, openKeyId: String(tokens.metadata?.openKeyId), tokenSource: { getAccessToken: async () => tokens.accessToken }, resilience: singleAttempt });
    sandbox.injectFault({ path: '/open-api/goods/spu-info', latencyMs: 400 });

    const error = await rejectionOf(fetchListings(slowClient, [spuName()]));

    expect(error.kind).toBe('transient');
    expect(error.code).toBe('timeout');
  });

  it('maps a business error in HTTP 200', async () => {
    const error = await rejectionOf(client.post('/open-api/openapi-business-backend/product/query', { pageNum: 0, pageSize: 10 }, z.unknown()));

    expect(error.kind).toBe('invalid_input');
    expect(error.status).toBe(200);
    expect(error.code).toBe('200001');
    expect(error.marketplaceMessage).toMatch(/pageNum/);
  });

  it('reports an unknown order as not found', async () => {
    const error = await rejectionOf(fetchOrder(client, 'GSMX2000010100000099'));

    expect(error.kind).toBe('not_found');
  });

  it('rejects a wrongly signed request', async () => {
    const wrongClient = new SheinClient({ config, openKeyId: String(tokens.metadata?.openKeyId), tokenSource: { getAccessToken: async () => '00000000000000000000000000000000' } });

    const error = await rejectionOf(importPage(wrongClient, null));

    expect(error.kind).toBe('auth');
    expect(error.status).toBe(401);
    expect(error.code).toBe('100002');
    expect(error.marketplaceMessage).toMatch(/Signature verification failed/);
    expect(sandbox.requests.at(-1)?.status).toBe(401);
  });

  it('asks to reconnect without an openKeyId', async () => {
    const connector = createSheinConnector(config);
    const session = { ...sessionFor(tokens), metadata: {} };

    const error = await rejectionOf(connector.importListings(session, null));

    expect(error.kind).toBe('auth');
    expect(error.code).toBe('reauthorize');
  });
});

describe('SHEIN response shapes', () => {
  function spuInfoFault(mutate: (info: Record<string, unknown>) => void): void {
    const spu = sandbox.getSpu(spuName());
    const info: Record<string, unknown> = {
      spuName: spu?.spuName,
      productMultiNameList: [{ language: 'es', productName: spu?.title }],
      skcList: spu?.skcs.map((skc) => ({
        skcName: skc.skcName,
        skuList: skc.skus.map((sku) => ({ skuCode: sku.skuCode, sellerSku: sku.sellerSku })),
      })),
    };
    mutate(info);
    sandbox.injectFault({ path: '/open-api/goods/spu-info', status: 200, body: { code: '0', msg: 'OK', info, traceId: 'abc' } });
  }

  it('names a missing SKU code', async () => {
    spuInfoFault((info) => {
      const skcList = info.skcList as Array<{ skuList: Array<Record<string, unknown>> }>;
      delete skcList[0]?.skuList[1]?.skuCode;
    });

    const error = await rejectionOf(fetchListings(client, [spuName()]));

    expect(error).toBeInstanceOf(MarketplaceResponseShapeError);
    expect(error.code).toBe('unexpected_response');
    expect((error as MarketplaceResponseShapeError).fieldPath).toBe('info.skcList[0].skuList[1].skuCode');
    expect(error.message).toContain('"info.skcList[0].skuList[1].skuCode"');
  });

  it('names a non-numeric stock', async () => {
    const skuCode = seeded.skuCodes[0];
    sandbox.injectFault({
      path: '/open-api/stock/stock-query',
      status: 200,
      body: { code: '0', msg: 'OK', info: [{ goodsInventory: [{ skuList: [{ skuCode, totalUsableInventory: 'cinco' }] }] }], traceId: 'abc' },
    });

    const error = await rejectionOf(fetchListings(client, [spuName()]));

    expect((error as MarketplaceResponseShapeError).fieldPath).toBe('info[0].goodsInventory[0].skuList[0].totalUsableInventory');
  });

  it('rejects a stock answer without a requested SKU', async () => {
    sandbox.injectFault({ path: '/open-api/stock/stock-query', status: 200, body: { code: '0', msg: 'OK', info: [{ goodsInventory: [] }], traceId: 'abc' } });

    const error = await rejectionOf(fetchListings(client, [spuName()]));

    expect(error).toBeInstanceOf(MarketplaceResponseShapeError);
    expect(error.message).toMatch(/no stock row for 3 requested SKU/);
  });

  it('names a missing page count', async () => {
    sandbox.injectFault({ path: '/open-api/openapi-business-backend/product/query', status: 200, body: { code: '0', msg: 'OK', info: { data: [] }, traceId: 'abc' } });

    const error = await rejectionOf(importPage(client, null));

    expect((error as MarketplaceResponseShapeError).fieldPath).toBe('info.meta');
  });

  it('names a bad envelope code', async () => {
    sandbox.injectFault({ path: '/open-api/openapi-business-backend/product/query', status: 200, body: { msg: 'OK', info: {} } });

    const error = await rejectionOf(importPage(client, null));

    expect((error as MarketplaceResponseShapeError).fieldPath).toBe('code');
  });

  it('names a bad order row', async () => {
    sandbox.injectFault({
      path: '/open-api/order/order-detail',
      status: 200,
      body: { code: '0', msg: 'OK', info: [{ orderNo: 'GSMX1', orderStatus: 1, orderTime: '2025-05-10T12:00:00Z', orderGoodsInfoList: [{ sellerSku: 'A' }] }], traceId: 'abc' },
    });

    const error = await rejectionOf(fetchOrder(client, 'GSMX1'));

    expect((error as MarketplaceResponseShapeError).fieldPath).toBe('info[0].orderGoodsInfoList[0].skuCode');
  });
});
