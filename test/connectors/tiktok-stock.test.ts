import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTikTokConnector, writeStock, type TikTokSkuErrorDetails } from '../../src/connectors/tiktok/index.js';
import { ResiliencePolicy, type MarketplaceConnector, type StockChange } from '../../src/connectors/shared/index.js';
import { startTikTokSandbox, type RecordedRequest, type SeededShop, type Sku, type TikTokSandbox } from '../../src/sandbox/tiktok/index.js';
import { connectShop, footwearProducts, sandboxApp, sandboxConfig, type ConnectedShop } from './tiktok-fixtures.js';
import { testLogger } from '../support/logger.js';

let sandbox: TikTokSandbox;
let connector: MarketplaceConnector;
let shop: SeededShop;
let connected: ConnectedShop;
let multiShop: SeededShop;
let multiConnected: ConnectedShop;

beforeAll(async () => {
  sandbox = await startTikTokSandbox({ apps: [sandboxApp()], logger: testLogger() });
  const config = sandboxConfig(sandbox);
  // One attempt per call, so a single injected fault is the call's outcome; test/resilience covers retries.
  connector = createTikTokConnector(config, { resilience: new ResiliencePolicy({ maxAttempts: 1 }) });
  const seller = sandbox.seedSeller({ sellerName: 'Zapatería Stock', shops: [{ name: 'STOCK_MX', products: footwearProducts(4, 'STK') }] });
  const multi = sandbox.seedSeller({ sellerName: 'Bodegas Norte', shops: [{ name: 'NORTE_MX', warehouseCount: 2, products: footwearProducts(1, 'NOR') }] });
  [shop, multiShop] = [seller.shops[0], multi.shops[0]] as [SeededShop, SeededShop];
  connected = await connectShop(sandbox, config, seller.openId);
  multiConnected = await connectShop(sandbox, config, multi.openId);
});

beforeEach(() => {
  sandbox.clearFaults();
  sandbox.setRatePerSecond(50);
});

afterAll(async () => {
  await sandbox.close();
});

function productId(index: number, seeded: SeededShop = shop): string {
  const id = seeded.productIds[index];
  if (!id) throw new Error(`no product ${index}`);
  return id;
}

function skus(id: string): Sku[] {
  return sandbox.getProduct(id)?.skus ?? [];
}

function skuId(product: string, index: number): string {
  return skus(product)[index]?.id ?? '';
}

function quantities(id: string): number[][] {
  return skus(id).map((sku) => sku.inventory.map((entry) => entry.quantity));
}

function updatesSince(before: number): RecordedRequest[] {
  return sandbox.requests.slice(before).filter((request) => request.path.endsWith('/inventory/update'));
}

describe('TikTok writeStock', () => {
  it('sends one signed update per product', async () => {
    const [first, second] = [productId(0), productId(1)];
    const warehouseId = shop.warehouseIds[0];
    const before = sandbox.requests.length;
    const changes: StockChange[] = [
      { externalId: first, externalVariantId: skuId(first, 1), quantity: 7 },
      { externalId: second, externalVariantId: skuId(second, 0), quantity: 0 },
      { externalId: first, externalVariantId: skuId(first, 2), quantity: 12 },
    ];

    const result = await connector.writeStock(connected.session, changes);

    expect(result.failed).toEqual([]);
    expect(result.applied).toEqual([changes[0], changes[2], changes[1]]);
    const updates = updatesSince(before);
    expect(updates.map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual([
      `POST /product/202309/products/${first}/inventory/update 200`,
      `POST /product/202309/products/${second}/inventory/update 200`,
    ]);
    expect(updates[0]?.rawBody).toBe(
      `{"skus":[{"id":"${skuId(first, 1)}","inventory":[{"warehouse_id":"${warehouseId}","quantity":7}]},` +
        `{"id":"${skuId(first, 2)}","inventory":[{"warehouse_id":"${warehouseId}","quantity":12}]}]}`,
    );
    expect(updates[0]?.query.shop_cipher).toBe(shop.cipher);
    expect(quantities(first)).toEqual([[4], [7], [12]]);
    expect(quantities(second)).toEqual([[0], [4], [4]]);
  });

  it('reports per-SKU failures and applies the rest', async () => {
    const product = productId(2);
    sandbox.setSkuLive(product, skuId(product, 0), false);
    const notLive: StockChange = { externalId: product, externalVariantId: skuId(product, 0), quantity: 1 };
    const unknownSku: StockChange = { externalId: product, externalVariantId: '1729999999999999999', quantity: 1 };
    const valid: StockChange = { externalId: product, externalVariantId: skuId(product, 1), quantity: 9 };
    const before = sandbox.requests.length;

    const result = await connector.writeStock(connected.session, [notLive, unknownSku, valid]);

    expect(updatesSince(before).map((request) => request.status)).toEqual([200]);
    expect(result.applied).toEqual([valid]);
    const failures = new Map(result.failed.map((failure) => [failure.change, failure.error]));
    expect(failures.get(notLive)).toMatchObject({ kind: 'invalid_input', code: '12052217', retryable: false });
    expect(failures.get(unknownSku)).toMatchObject({ kind: 'invalid_input', code: '12052230' });
    expect(failures.get(notLive)?.message).toContain(`SKU ${notLive.externalVariantId}`);
    expect(quantities(product)).toEqual([[4], [9], [4]]);
  });

  it('fails only the product TikTok does not find', async () => {
    const missing: StockChange = { externalId: '1729000000099999999', externalVariantId: '1729100000099999999', quantity: 3 };
    const valid: StockChange = { externalId: productId(3), externalVariantId: skuId(productId(3), 0), quantity: 5 };

    const result = await connector.writeStock(connected.session, [missing, valid]);

    expect(result.applied).toEqual([valid]);
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]?.error).toMatchObject({ kind: 'not_found', status: 404, code: '12052048' });
  });

  it('validates changes before sending', async () => {
    const product = productId(0);
    const before = sandbox.requests.length;
    const changes: StockChange[] = [
      { externalId: product, externalVariantId: null, quantity: 1 },
      { externalId: product, externalVariantId: skuId(product, 0), quantity: 99_999 },
      { externalId: product, externalVariantId: skuId(product, 0), quantity: -1 },
      { externalId: product, externalVariantId: skuId(product, 0), quantity: 1.5 },
    ];

    const result = await connector.writeStock(connected.session, changes);

    expect(result.applied).toEqual([]);
    expect(result.failed.map((failure) => failure.error.code)).toEqual(['sku_required', 'invalid_quantity', 'invalid_quantity', 'invalid_quantity']);
    expect(updatesSince(before)).toEqual([]);
  });

  it('stops after a transient error', async () => {
    const [first, second] = [productId(0), productId(1)];
    sandbox.injectFault({ method: 'POST', path: `/product/202309/products/${first}/inventory/update`, status: 503 });
    const before = sandbox.requests.length;

    const result = await connector.writeStock(connected.session, [
      { externalId: first, externalVariantId: skuId(first, 0), quantity: 1 },
      { externalId: second, externalVariantId: skuId(second, 0), quantity: 1 },
    ]);

    expect(result.applied).toEqual([]);
    expect(result.failed.map((failure) => [failure.error.kind, failure.error.status])).toEqual([
      ['transient', 503],
      ['transient', 503],
    ]);
    expect(updatesSince(before).map((request) => request.path)).toEqual([`/product/202309/products/${first}/inventory/update`]);
  });

  it('classifies the rate limit as throttled', async () => {
    sandbox.setRatePerSecond(2);
    const product = productId(3);
    const change: StockChange = { externalId: product, externalVariantId: skuId(product, 1), quantity: 2 };

    const results = await Promise.all(Array.from({ length: 8 }, () => connector.writeStock(connected.session, [change])));

    // Eight requests span at most two one-second windows, so at least four exceed a rate of 2/s.
    const throttled = results.flatMap((result) => result.failed.map((failure) => failure.error));
    expect(throttled.length).toBeGreaterThanOrEqual(4);
    for (const error of throttled) {
      expect(error).toMatchObject({ kind: 'throttled', code: 'too_many_requests', status: 429, retryable: true });
      expect(error.retryAfterSeconds).toBeUndefined();
      expect(error.details).toMatchObject({ code: 36009002 });
    }
  });
});

describe('TikTok writeStock with several warehouses', () => {
  it('writes to the default warehouse', async () => {
    const product = productId(0, multiShop);
    const [defaultWarehouse, otherWarehouse] = multiShop.warehouseIds;
    expect(multiConnected.tokens.metadata?.defaultWarehouseId).toBe(defaultWarehouse);
    sandbox.setSkuStock(product, skuId(product, 0), 6, otherWarehouse);

    const result = await connector.writeStock(multiConnected.session, [{ externalId: product, externalVariantId: skuId(product, 0), quantity: 2 }]);

    expect(result.failed).toEqual([]);
    expect(skus(product)[0]?.inventory).toEqual([
      { warehouse_id: defaultWarehouse, quantity: 2 },
      { warehouse_id: otherWarehouse, quantity: 6 },
    ]);
  });

  it('fails SKUs without a warehouse id', async () => {
    const product = productId(0, multiShop);
    const change: StockChange = { externalId: product, externalVariantId: skuId(product, 1), quantity: 3 };

    const result = await writeStock(multiConnected.client, [change], { warehouseId: null });

    expect(sandbox.requests.at(-1)?.rawBody).toBe(`{"skus":[{"id":"${change.externalVariantId}","inventory":[{"quantity":3}]}]}`);
    expect(result.applied).toEqual([]);
    const error = result.failed[0]?.error;
    expect(error?.code).toBe('12052251');
    expect((error?.details as TikTokSkuErrorDetails).extraErrors).toEqual([
      { warehouseId: null, code: 12052251, message: 'warehouse_id is required because the shop has several sales warehouses.' },
    ]);
  });
});
