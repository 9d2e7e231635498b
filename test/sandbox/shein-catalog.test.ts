import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SeededSeller, SheinSandbox } from '../../src/sandbox/shein/index.js';
import { connectSeller, errorEnvelopeSchema, sellerPost, shoes, startTestSandbox, type SellerKeys } from './shein-helpers.js';

const CHANGE_PATH = '/open-api/stock/change-inventory/v2';

let sandbox: SheinSandbox;
let seeded: SeededSeller;
let foreign: SeededSeller;
let keys: SellerKeys;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  seeded = sandbox.seedSeller({
    name: 'ZAPATERIA_CATALOGO',
    products: [
      {
        title: 'Tacones Gabrielas 200',
        price: 418,
        skcs: [
          { color: 'Plata', sizes: [{ size: '23', sellerSku: 'GABR200_PLATA23', quantity: 3, barcode: '7506597529564' }, { size: '24', sellerSku: 'GABR200_PLATA24', quantity: 5 }] },
          { color: 'Oro', onShelf: false, sizes: [{ size: '23', sellerSku: 'GABR200_ORO23', quantity: 1 }] },
        ],
      },
      ...shoes(6, 'CAT'),
    ],
  });
  foreign = sandbox.seedSeller({ name: 'OTRA_TIENDA', products: shoes(1, 'OTRA') });
  keys = await connectSeller(sandbox, seeded.supplierId);
});

afterAll(async () => {
  await sandbox.close();
});

async function call(path: string, body: unknown): Promise<{ status: number; body: { code: string; msg: string; info: unknown } }> {
  const response = await sellerPost(sandbox, keys, path, body);
  return { status: response.status, body: (await response.json()) as { code: string; msg: string; info: unknown } };
}

function row(skuCode: string, changeQuantity: number, extra: Record<string, unknown> = {}) {
  return { idempotencyKey: randomUUID(), skuCode, invType: 'VI', changeType: 'OVERWRITE', changeQuantity, changeReason: 'prueba', ...extra };
}

describe('identifiers', () => {
  test('look like SHEIN ones', () => {
    expect(String(seeded.supplierId)).toMatch(/^\d{8}$/);
    for (const spuName of seeded.spuNames) expect(spuName).toMatch(/^i\d{8}\d{5}$/);
    for (const skuCode of seeded.skuCodes) expect(skuCode).toMatch(/^I\d{17}$/);
    expect(new Set(seeded.skuCodes).size).toBe(seeded.skuCodes.length);
    expect(keys.openKeyId).toMatch(/^[0-9A-F]{32}$/);
    expect(keys.secretKey).toMatch(/^[0-9A-F]{32}$/);
  });
});

describe('product query', () => {
  test('pages the seller SPUs', async () => {
    const first = await call('/open-api/openapi-business-backend/product/query', { pageNum: 1, pageSize: 4 });
    const last = await call('/open-api/openapi-business-backend/product/query', { pageNum: 2, pageSize: 4 });
    const past = await call('/open-api/openapi-business-backend/product/query', { pageNum: 3, pageSize: 4 });
    const info = first.body.info as { data: Array<{ spuName: string; skcInfoList: Array<{ skcName: string; skuInfoList: Array<{ skuCode: string }> }> }>; meta: { count: number } };

    expect(info.meta.count).toBe(7);
    expect(info.data.map((entry) => entry.spuName)).toEqual(seeded.spuNames.slice(0, 4));
    expect(info.data[0]?.skcInfoList.flatMap((skc) => skc.skuInfoList.map((sku) => sku.skuCode))).toEqual(seeded.skuCodes.slice(0, 3));
    expect((last.body.info as { data: unknown[] }).data).toHaveLength(3);
    expect((past.body.info as { data: unknown[] }).data).toEqual([]);
  });

  test('rejects more than 50 per page', async () => {
    const response = await call('/open-api/openapi-business-backend/product/query', { pageNum: 1, pageSize: 51 });

    expect(response.status).toBe(200);
    expect(errorEnvelopeSchema.parse(response.body).code).toBe('200001');
    expect(response.body.msg).toMatch(/pageSize/);
  });
});

describe('spu-info', () => {
  test('returns colours and sizes', async () => {
    const response = await call('/open-api/goods/spu-info', { spuName: seeded.spuNames[0], languageList: ['es'] });

    expect(response.body.code).toBe('0');
    expect(response.body.info).toEqual({
      spuName: seeded.spuNames[0],
      productMultiNameList: [{ language: 'es', productName: 'Tacones Gabrielas 200' }],
      lastUpdateTime: expect.any(String),
      skcList: [
        {
          skcName: expect.stringMatching(/^s\d{15}$/),
          shelfStatus: 1,
          saleAttribute: { attributeId: 27, attributeName: 'Color', attributeValueName: 'Plata' },
          skuList: [
            {
              skuCode: seeded.skuCodes[0],
              sellerSku: 'GABR200_PLATA23',
              supplierBarcode: '7506597529564',
              saleAttributeList: [{ attributeId: 87, attributeName: 'Talla', attributeValueName: '23' }],
              priceInfoList: [{ currency: 'MXN', basePrice: 418, site: 'shein-mx' }],
            },
            expect.objectContaining({ skuCode: seeded.skuCodes[1], sellerSku: 'GABR200_PLATA24', supplierBarcode: null }),
          ],
        },
        expect.objectContaining({ shelfStatus: 0, saleAttribute: expect.objectContaining({ attributeValueName: 'Oro' }) }),
      ],
    });
  });

  test('hides other sellers SPUs', async () => {
    const response = await call('/open-api/goods/spu-info', { spuName: foreign.spuNames[0] });
    expect(response.status).toBe(200);
    expect(errorEnvelopeSchema.parse(response.body).code).toBe('200404');
  });
});

describe('stock', () => {
  test('queries usable and locked stock', async () => {
    const skuCode = seeded.skuCodes[1] ?? '';
    sandbox.createOrder({ supplierId: seeded.supplierId, lines: [{ skuCode, quantity: 2 }] });
    const response = await call('/open-api/stock/stock-query', { skuCodeList: [skuCode, seeded.skuCodes[0], foreign.skuCodes[0]] });
    const info = response.body.info as Array<{ goodsInventory: Array<{ skuList: Array<Record<string, unknown>> }> }>;
    const skus = info.flatMap((entry) => entry.goodsInventory.flatMap((goods) => goods.skuList));

    expect(skus.map((sku) => sku.skuCode)).toEqual([seeded.skuCodes[0], skuCode]);
    expect(skus[1]).toMatchObject({ totalUsableInventory: 3, totalLockedQuantity: 2, totalInventoryQuantity: 5 });
  });

  test('overwrites usable stock', async () => {
    const skuCode = seeded.skuCodes[1] ?? '';
    const response = await call(CHANGE_PATH, { updateSkuInventoryQuantityRequests: [row(skuCode, 10)] });

    expect(response.body.code).toBe('0');
    expect(response.body.info).toEqual({ successList: [{ skuCode, idempotencyKey: expect.any(String) }], failedList: [] });
    // Two units stay locked by the open order on top of the overwritten usable stock.
    expect(sandbox.getSku(skuCode)).toMatchObject({ usable: 10, locked: 2 });
  });

  test('adds and subtracts', async () => {
    const skuCode = seeded.skuCodes[2] ?? '';
    await call(CHANGE_PATH, { updateSkuInventoryQuantityRequests: [row(skuCode, 4, { changeType: 'ADD' })] });
    const tooMany = await call(CHANGE_PATH, { updateSkuInventoryQuantityRequests: [row(skuCode, 99, { changeType: 'SUB' })] });

    expect(sandbox.getSku(skuCode)?.usable).toBe(5);
    expect((tooMany.body.info as { failedList: Array<{ reason: string }> }).failedList[0]?.reason).toMatch(/insufficient/);
  });

  test('repeats the stored result for a key', async () => {
    const skuCode = seeded.skuCodes[3] ?? '';
    const first = row(skuCode, 7);
    await call(CHANGE_PATH, { updateSkuInventoryQuantityRequests: [first] });
    sandbox.setStock(skuCode, 1);
    const repeated = await call(CHANGE_PATH, { updateSkuInventoryQuantityRequests: [{ ...first, changeQuantity: 30 }] });

    expect(repeated.body.info).toEqual({ successList: [{ skuCode, idempotencyKey: first.idempotencyKey }], failedList: [] });
    expect(sandbox.getSku(skuCode)?.usable).toBe(1);
  });

  test('fails unknown and foreign rows alone', async () => {
    const good = row(seeded.skuCodes[4] ?? '', 2);
    const response = await call(CHANGE_PATH, {
      updateSkuInventoryQuantityRequests: [row('I00000000000000000', 1), good, row(foreign.skuCodes[0] ?? '', 1), row(seeded.skuCodes[5] ?? '', 1, { warehouseCode: 'CN-1' })],
    });
    const info = response.body.info as { successList: unknown[]; failedList: Array<{ skuCode: string; reason: string }> };

    expect(info.successList).toEqual([{ skuCode: good.skuCode, idempotencyKey: good.idempotencyKey }]);
    expect(info.failedList.map((failure) => failure.skuCode)).toEqual(['I00000000000000000', foreign.skuCodes[0], seeded.skuCodes[5]]);
    expect(info.failedList[2]?.reason).toMatch(/warehouseCode CN-1/);
    expect(sandbox.getSku(foreign.skuCodes[0] ?? '')?.usable).toBe(4);
  });

  test('rejects more than 100 rows', async () => {
    const rows = Array.from({ length: 101 }, () => row(seeded.skuCodes[6] ?? '', 1));
    const response = await call(CHANGE_PATH, { updateSkuInventoryQuantityRequests: rows });

    expect(errorEnvelopeSchema.parse(response.body).code).toBe('200002');
    expect(response.body.msg).toMatch(/at most 100/);
    expect(sandbox.getSku(seeded.skuCodes[6] ?? '')?.usable).toBe(4);
  });

  test('names a bad row field', async () => {
    const response = await call(CHANGE_PATH, { updateSkuInventoryQuantityRequests: [row(seeded.skuCodes[6] ?? '', -1)] });

    expect(errorEnvelopeSchema.parse(response.body).code).toBe('200001');
    expect(response.body.msg).toContain('updateSkuInventoryQuantityRequests.0.changeQuantity');
  });
});

describe('orders', () => {
  test('creates one row per unit', async () => {
    const order = sandbox.createOrder({ supplierId: seeded.supplierId, lines: [{ skuCode: seeded.skuCodes[7] ?? '', quantity: 3 }], orderStatus: 3 });

    expect(order.orderNo).toMatch(/^GSMX\d{14}$/);
    expect(order.orderGoodsInfoList).toHaveLength(3);
    expect(new Set(order.orderGoodsInfoList.map((goods) => goods.goodsId)).size).toBe(3);
    // A shipped order takes the units for good; none stay locked.
    expect(sandbox.getSku(seeded.skuCodes[7] ?? '')).toMatchObject({ usable: 1, locked: 0 });
  });

  test('refuses to oversell', () => {
    expect(() => sandbox.createOrder({ supplierId: seeded.supplierId, lines: [{ skuCode: seeded.skuCodes[8] ?? '', quantity: 3 }, { skuCode: seeded.skuCodes[8] ?? '', quantity: 2 }] })).toThrow(
      /5 units requested .* only 4 usable/,
    );
    expect(sandbox.getSku(seeded.skuCodes[8] ?? '')?.usable).toBe(4);
  });

  test('returns order details by number', async () => {
    const order = sandbox.createOrder({ supplierId: seeded.supplierId, lines: [{ skuCode: seeded.skuCodes[9] ?? '', quantity: 1 }] });
    const foreignOrder = sandbox.createOrder({ supplierId: foreign.supplierId, lines: [{ skuCode: foreign.skuCodes[1] ?? '', quantity: 1 }] });
    const response = await call('/open-api/order/order-detail', { orderNoList: [order.orderNo, foreignOrder.orderNo, 'GSMX0'] });

    expect(response.body.info).toEqual([order]);
  });

  test('rejects more than 30 orders', async () => {
    const response = await call('/open-api/order/order-detail', { orderNoList: Array.from({ length: 31 }, (_, index) => `GSMX${index}`) });
    expect(errorEnvelopeSchema.parse(response.body).code).toBe('200002');
  });
});
