import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { startTikTokSandbox, type SeededSeller, type TikTokSandbox } from '../../src/sandbox/tiktok/index.js';
import { APP_KEY, APP_SECRET, apiCall, connectSeller, dataOf, errorBodySchema, shoes, startTestSandbox, testApp, type TokenData } from './tiktok-helpers.js';
import { testLogger } from '../support/logger.js';

const SEARCH = '/product/202312/products/search';

let sandbox: TikTokSandbox;
let seller: SeededSeller;
let other: SeededSeller;
let tokens: TokenData;
let cipher: string;
let shopId: string;
let productIds: string[];

const searchDataSchema = z.object({
  products: z.array(z.object({ id: z.string(), status: z.string(), sales_regions: z.array(z.string()), skus: z.array(z.object({ seller_sku: z.string() })) })),
  next_page_token: z.string(),
  total_count: z.number(),
});

beforeAll(async () => {
  sandbox = await startTestSandbox();
  seller = sandbox.seedSeller({ sellerName: 'Zapatería Catálogo', shops: [{ name: 'CATALOGO_MX', products: shoes(20, 'CAT') }] });
  other = sandbox.seedSeller({ sellerName: 'Otra', shops: [{ name: 'OTRA_MX', products: shoes(1, 'OTR') }] });
  tokens = await connectSeller(sandbox, seller.openId);
  const shop = seller.shops[0];
  if (!shop) throw new Error('seedSeller returned no shop');
  cipher = shop.cipher;
  shopId = shop.shopId;
  productIds = shop.productIds;
});

afterAll(async () => {
  await sandbox.close();
});

function call(path: string, body?: string, query: Record<string, string> = {}) {
  return apiCall(sandbox, { path, accessToken: tokens.access_token, shopCipher: cipher, query, body });
}

function productAt(index: number): string {
  return productIds[index] ?? '';
}

function skuOf(productId: string, index: number): string {
  return sandbox.getProduct(productId)?.skus[index]?.id ?? '';
}

describe('TikTok sandbox product search', () => {
  test('pages with next_page_token', async () => {
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const response = await call(SEARCH, '{}', pageToken ? { page_size: '7', page_token: pageToken } : { page_size: '7' });
      const data = dataOf(response.body, searchDataSchema);
      expect(data.total_count).toBe(20);
      seen.push(...data.products.map((product) => product.id));
      pageToken = data.next_page_token === '' ? undefined : data.next_page_token;
      pages++;
    } while (pageToken !== undefined && pages < 10);

    expect(pages).toBe(3);
    expect(seen).toEqual(productIds);
  });

  test('validates page size and token', async () => {
    for (const pageSize of ['0', '101', 'x']) {
      const response = await call(SEARCH, '{}', { page_size: pageSize });
      expect(response.status).toBe(400);
      expect(errorBodySchema.parse(response.body).code).toBe(36009003);
    }
    const first = dataOf((await call(SEARCH, '{}', { page_size: '5' })).body, searchDataSchema);
    const otherFilters = await call(SEARCH, '{"status":"ACTIVATE"}', { page_size: '5', page_token: first.next_page_token });
    expect(errorBodySchema.parse(otherFilters.body).message).toContain('page_token');
  });

  test('filters by status and seller SKU', async () => {
    sandbox.setProductStatus(productAt(0), 'SELLER_DEACTIVATED');
    sandbox.setProductStatus(productAt(1), 'DELETED');

    const all = dataOf((await call(SEARCH, '{}', { page_size: '100' })).body, searchDataSchema);
    const live = dataOf((await call(SEARCH, '{"status":"ACTIVATE"}', { page_size: '100' })).body, searchDataSchema);
    const bySku = dataOf((await call(SEARCH, '{"seller_skus":["CAT5_PLATA24"]}', { page_size: '100' })).body, searchDataSchema);
    const badStatus = await call(SEARCH, '{"status":"LIVE"}', { page_size: '100' });

    expect(all.total_count).toBe(19);
    expect(live.total_count).toBe(18);
    expect(bySku.products.map((product) => product.id)).toEqual([productAt(5)]);
    expect(bySku.products[0]?.sales_regions).toEqual(['MX']);
    expect(errorBodySchema.parse(badStatus.body).message).toContain('status');
    sandbox.setProductStatus(productAt(0), 'ACTIVATE');
    sandbox.setProductStatus(productAt(1), 'ACTIVATE');
  });

  test('reads one product of the shop only', async () => {
    const own = await call(`/product/202309/products/${productAt(2)}`);
    const foreign = await call(`/product/202309/products/${other.shops[0]?.productIds[0] ?? ''}`);

    expect(dataOf(own.body, z.object({ id: z.string() })).id).toBe(productAt(2));
    expect(foreign.status).toBe(404);
    expect(errorBodySchema.parse(foreign.body).code).toBe(12052048);
  });
});

describe('TikTok sandbox inventory update', () => {
  const update = (productId: string, body: unknown) => call(`/product/202309/products/${productId}/inventory/update`, JSON.stringify(body));

  test('sets absolute quantities per warehouse', async () => {
    const productId = productAt(3);
    const warehouseId = seller.shops[0]?.warehouseIds[0] ?? '';

    const response = await update(productId, { skus: [{ id: skuOf(productId, 0), inventory: [{ warehouse_id: warehouseId, quantity: 11 }] }, { id: skuOf(productId, 2), inventory: [{ quantity: 0 }] }] });

    expect(dataOf(response.body, z.strictObject({}))).toEqual({});
    expect(sandbox.getProduct(productId)?.skus.map((sku) => sku.inventory)).toEqual([
      [{ warehouse_id: warehouseId, quantity: 11 }],
      [{ warehouse_id: warehouseId, quantity: 4 }],
      [{ warehouse_id: warehouseId, quantity: 0 }],
    ]);
  });

  test('lists per-SKU errors with code 0', async () => {
    const productId = productAt(4);
    sandbox.setSkuLive(productId, skuOf(productId, 1), false);

    const response = await update(productId, {
      skus: [
        { id: skuOf(productId, 0), inventory: [{ quantity: 6 }] },
        { id: skuOf(productId, 1), inventory: [{ quantity: 6 }] },
        { id: '1729100000099999999', inventory: [{ quantity: 6 }] },
        { id: skuOf(productId, 2), inventory: [{ warehouse_id: '7068000000099999999', quantity: 6 }] },
      ],
    });

    expect(response.status).toBe(200);
    const data = dataOf(response.body, z.object({ errors: z.array(z.object({ code: z.number(), message: z.string(), detail: z.object({ sku_id: z.string(), extra_errors: z.array(z.unknown()) }) })) }));
    expect(data.errors.map((error) => [error.detail.sku_id, error.code])).toEqual([
      [skuOf(productId, 1), 12052217],
      ['1729100000099999999', 12052230],
      [skuOf(productId, 2), 12052251],
    ]);
    expect(data.errors[2]?.detail.extra_errors).toEqual([{ warehouse_id: '7068000000099999999', code: 12052251, message: 'Warehouse 7068000000099999999 is not a sales warehouse of the shop.' }]);
    expect(sandbox.getProduct(productId)?.skus.map((sku) => sku.inventory[0]?.quantity)).toEqual([6, 4, 4]);
  });

  test('rejects a malformed body without applying it', async () => {
    const productId = productAt(6);

    const response = await update(productId, { skus: [{ id: skuOf(productId, 0), inventory: [{ quantity: 2 }] }, { id: skuOf(productId, 1), inventory: [{ quantity: 99_999 }] }] });

    expect(response.status).toBe(400);
    expect(errorBodySchema.parse(response.body).message).toContain('skus.1.inventory.0.quantity');
    expect(sandbox.getProduct(productId)?.skus.map((sku) => sku.inventory[0]?.quantity)).toEqual([4, 4, 4]);
  });

  test('lists the shop warehouses', async () => {
    const response = await call('/logistics/202309/warehouses');
    const data = dataOf(response.body, z.object({ warehouses: z.array(z.object({ id: z.string(), type: z.string(), is_default: z.boolean() })) }));

    expect(data.warehouses.map((warehouse) => [warehouse.type, warehouse.is_default])).toEqual([
      ['SALES_WAREHOUSE', true],
      ['RETURN_WAREHOUSE', false],
    ]);
    expect(data.warehouses[0]?.id).toBe(seller.shops[0]?.warehouseIds[0]);
  });
});

describe('TikTok sandbox orders', () => {
  test('lists one line item per unit and takes stock', async () => {
    const productId = productAt(7);
    const order = sandbox.createOrder({ shopId, lines: [{ productId, skuId: skuOf(productId, 0), quantity: 3 }] });

    const response = await call('/order/202309/orders', undefined, { ids: `${order.id},576000000099999999` });
    const data = dataOf(response.body, z.object({ orders: z.array(z.object({ id: z.string(), status: z.string(), line_items: z.array(z.object({ sku_id: z.string(), seller_sku: z.string() })) })) }));

    expect(data.orders).toHaveLength(1);
    expect(data.orders[0]?.status).toBe('AWAITING_SHIPMENT');
    expect(data.orders[0]?.line_items.map((item) => item.seller_sku)).toEqual(['CAT7_PLATA23', 'CAT7_PLATA23', 'CAT7_PLATA23']);
    expect(sandbox.getProduct(productId)?.skus[0]?.inventory[0]?.quantity).toBe(1);
  });

  test('does not take stock for a cancelled order', async () => {
    const productId = productAt(8);
    sandbox.createOrder({ shopId, status: 'CANCELLED', lines: [{ productId, skuId: skuOf(productId, 1), quantity: 2 }] });

    expect(sandbox.getProduct(productId)?.skus[1]?.inventory[0]?.quantity).toBe(4);
  });

  test('refuses to sell more than the stock', () => {
    const productId = productAt(9);
    expect(() => sandbox.createOrder({ shopId, lines: [{ productId, skuId: skuOf(productId, 0), quantity: 5 }] })).toThrow(/has 4 units in stock, fewer than the 5 ordered/);
  });
});

describe('TikTok sandbox webhooks', () => {
  let receiver: Server;
  let webhookSandbox: TikTokSandbox;
  const bodies: Array<{ authorization: string | undefined; rawBody: string }> = [];
  let status = 200;
  /** Number of next deliveries the receiver responds to only after the sandbox's 200 ms timeout. */
  let slowResponses = 0;

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        bodies.push({ authorization: request.headers.authorization, rawBody: Buffer.concat(chunks).toString('utf8') });
        const delayMs = slowResponses > 0 ? 400 : 0;
        slowResponses = Math.max(0, slowResponses - 1);
        setTimeout(() => response.writeHead(status).end(), delayMs);
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks`;
    webhookSandbox = await startTikTokSandbox({ apps: [testApp({ webhookUrl })], webhookRetryDelaysMs: [10, 10], webhookTimeoutMs: 200, logger: testLogger() });
  });

  afterAll(async () => {
    await webhookSandbox.close();
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  test('signs the raw body with app key and secret', async () => {
    const seeded = webhookSandbox.seedSeller({ sellerName: 'Avisos', shops: [{ name: 'AVISOS_MX', products: shoes(1, 'AVI') }] });
    webhookSandbox.issueAuthorizationCode({ appKey: APP_KEY, openId: seeded.openId });
    const productId = seeded.shops[0]?.productIds[0] ?? '';
    const skuId = webhookSandbox.getProduct(productId)?.skus[0]?.id ?? '';
    const from = bodies.length;

    webhookSandbox.setSkuStock(productId, skuId, 0);
    await webhookSandbox.webhooks.flush();

    const [delivery] = bodies.slice(from);
    expect(delivery?.authorization).toBe(createHmac('sha256', APP_SECRET).update(APP_KEY + (delivery?.rawBody ?? '')).digest('hex'));
    const envelope = z
      .strictObject({ type: z.literal(27), tts_notification_id: z.string().regex(/^\d{19}$/), shop_id: z.string(), timestamp: z.number(), data: z.record(z.string(), z.unknown()) })
      .parse(JSON.parse(delivery?.rawBody ?? ''));
    expect(envelope.shop_id).toBe(seeded.shops[0]?.shopId);
    expect(envelope.data).toMatchObject({ product_id: productId, sku_id: skuId, current_inventory_status: 'OUT_OF_STOCK' });
  });

  test('retries and then gives up', async () => {
    const seeded = webhookSandbox.seedSeller({ sellerName: 'Reintentos', shops: [{ name: 'REINTENTOS_MX', products: shoes(1, 'REI') }] });
    webhookSandbox.issueAuthorizationCode({ appKey: APP_KEY, openId: seeded.openId });
    const productId = seeded.shops[0]?.productIds[0] ?? '';
    status = 503;
    try {
      webhookSandbox.createOrder({ shopId: seeded.shops[0]?.shopId ?? '', lines: [{ productId, skuId: webhookSandbox.getProduct(productId)?.skus[0]?.id ?? '', quantity: 1 }] });
      await webhookSandbox.webhooks.flush();
    } finally {
      status = 200;
    }

    const attempts = webhookSandbox.webhooks.sent.filter((attempt) => attempt.envelope.type === 1);
    expect(attempts.map((attempt) => [attempt.attempt, attempt.status])).toEqual([
      [1, 503],
      [2, 503],
      [3, 503],
    ]);
    expect(new Set(attempts.map((attempt) => attempt.rawBody)).size).toBe(1);
    expect(webhookSandbox.webhooks.failed.map((envelope) => envelope.type)).toEqual([1]);
  });

  test('counts a slow answer as a failed attempt', async () => {
    const seeded = webhookSandbox.seedSeller({ sellerName: 'Lento', shops: [{ name: 'LENTO_MX', products: shoes(1, 'LEN') }] });
    webhookSandbox.issueAuthorizationCode({ appKey: APP_KEY, openId: seeded.openId });
    const productId = seeded.shops[0]?.productIds[0] ?? '';
    slowResponses = 1;

    webhookSandbox.setProductStatus(productId, 'FREEZE');
    await webhookSandbox.webhooks.flush();

    const attempts = webhookSandbox.webhooks.sent.filter((attempt) => attempt.envelope.type === 5);
    expect(attempts.map((attempt) => attempt.status)).toEqual(['error', 200]);
    expect(attempts[0]?.rawBody).toContain(`"product_id":${productId},`);
  });
});
