import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { z } from 'zod';
import type { MercadoLibreSandbox } from '../../src/sandbox/mercadolibre/index.js';
import { apiGet, apiPut, connectSeller, shoes, startTestSandbox } from './mercadolibre-helpers.js';

const searchBodySchema = z.object({
  seller_id: z.string(),
  results: z.array(z.string()),
  paging: z.object({ total: z.number(), offset: z.number(), limit: z.number() }),
  scroll_id: z.string().optional(),
});

const validationErrorSchema = z.object({
  message: z.string(),
  error: z.string(),
  status: z.number(),
  cause: z.array(z.object({ code: z.string(), type: z.string(), department: z.string(), references: z.array(z.string()) })),
});

let sandbox: MercadoLibreSandbox;
let sellerId: number;
let itemIds: string[];
let accessToken: string;
let bigSellerId: number;
let bigItemIds: string[];
let bigAccessToken: string;

beforeAll(async () => {
  // A high rate keeps the limiter out of the way of the paging loops.
  sandbox = await startTestSandbox({ ratePerSecond: 10_000 });
  ({ userId: sellerId, itemIds } = sandbox.seedSeller({ nickname: 'ZAPATERIA_CENTRO', items: shoes(25, 'CEN') }));
  ({ userId: bigSellerId, itemIds: bigItemIds } = sandbox.seedSeller({
    nickname: 'MAYORISTA_CALZADO',
    items: Array.from({ length: 1050 }, (_, index) => ({ title: `Sandalia ${index}`, price: 199, availableQuantity: 1, sellerSku: `SAN${index}` })),
  }));
  accessToken = (await connectSeller(sandbox, sellerId)).access_token;
  bigAccessToken = (await connectSeller(sandbox, bigSellerId)).access_token;
});

afterAll(async () => {
  await sandbox.close();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('items search', () => {
  test('offset paging returns stable pages', async () => {
    const first = searchBodySchema.parse(await (await apiGet(sandbox, `/users/${sellerId}/items/search?limit=10&offset=0`, accessToken)).json());
    const third = searchBodySchema.parse(await (await apiGet(sandbox, `/users/${sellerId}/items/search?limit=10&offset=20`, accessToken)).json());

    expect(first.seller_id).toBe(String(sellerId));
    expect(first.results).toEqual(itemIds.slice(0, 10));
    expect(first.paging).toEqual({ total: 25, offset: 0, limit: 10 });
    expect(third.results).toEqual(itemIds.slice(20, 25));
    expect(itemIds.every((id) => /^MLM\d{10}$/.test(id))).toBe(true);
  });

  test('offset beyond 1,000 results is rejected', async () => {
    const atCap = await apiGet(sandbox, `/users/${bigSellerId}/items/search?limit=50&offset=950`, bigAccessToken);
    const overCap = await apiGet(sandbox, `/users/${bigSellerId}/items/search?limit=50&offset=960`, bigAccessToken);

    expect(atCap.status).toBe(200);
    expect(overCap.status).toBe(400);
    expect(await overCap.json()).toEqual({ message: 'Invalid limit and offset values', error: 'bad_request', status: 400, cause: [] });
  });

  test('limit above 100 is rejected', async () => {
    const response = await apiGet(sandbox, `/users/${sellerId}/items/search?limit=101`, accessToken);

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'bad_request', status: 400 });
  });

  test('scan mode returns 1,050 ids once each', async () => {
    const seen: string[] = [];
    let scrollId: string | undefined;
    for (let page = 0; page < 20; page++) {
      const query = scrollId === undefined ? 'search_type=scan&limit=100' : `search_type=scan&limit=100&scroll_id=${encodeURIComponent(scrollId)}`;
      const response = await apiGet(sandbox, `/users/${bigSellerId}/items/search?${query}`, bigAccessToken);
      expect(response.status).toBe(200);
      const body = searchBodySchema.parse(await response.json());
      expect(body.scroll_id).toBeTruthy();
      if (body.results.length === 0) break;
      seen.push(...body.results);
      scrollId = body.scroll_id;
    }

    expect(seen).toHaveLength(1050);
    expect(new Set(seen).size).toBe(1050);
    expect(seen).toEqual(bigItemIds);
  });

  test('scroll_id expires after 5 idle minutes', async () => {
    // Only Date is faked, so the sandbox in this process reads the shifted clock.
    vi.useFakeTimers({ toFake: ['Date'] });
    const first = searchBodySchema.parse(await (await apiGet(sandbox, `/users/${bigSellerId}/items/search?search_type=scan&limit=10`, bigAccessToken)).json());
    vi.setSystemTime(Date.now() + 5 * 60 * 1000 + 1000);
    const response = await apiGet(sandbox, `/users/${bigSellerId}/items/search?search_type=scan&limit=10&scroll_id=${first.scroll_id}`, bigAccessToken);

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ message: 'scroll_id expired', error: 'bad_request', status: 400, cause: [] });
  });

  test('unknown scroll_id is rejected', async () => {
    const response = await apiGet(sandbox, `/users/${sellerId}/items/search?search_type=scan&scroll_id=nope`, accessToken);

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'bad_request', status: 400 });
  });
});

describe('items multiget', () => {
  test('20 ids return one entry each in order', async () => {
    const ids = [...itemIds.slice(0, 18), 'MLM0000000000', bigItemIds[0] ?? ''];
    const response = await apiGet(sandbox, `/items?ids=${ids.join(',')}&attributes=id,available_quantity`, accessToken);
    const body = z.array(z.object({ code: z.number(), body: z.record(z.string(), z.unknown()) })).parse(await response.json());

    expect(response.status).toBe(200);
    expect(body).toHaveLength(20);
    expect(body.slice(0, 18).map((entry) => entry.body.id)).toEqual(itemIds.slice(0, 18));
    expect(body[0]).toEqual({ code: 200, body: { id: itemIds[0], available_quantity: 12 } });
    expect(body[18]).toEqual({
      code: 404,
      body: { message: 'Item with id MLM0000000000 not found', error: 'not_found', status: 404, cause: [] },
    });
    expect(body[19]?.code).toBe(403);
  });

  test('21 ids are rejected', async () => {
    const response = await apiGet(sandbox, `/items?ids=${itemIds.slice(0, 21).join(',')}`, accessToken);

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ message: 'Too many ids, max 20', error: 'bad_request', status: 400, cause: [] });
  });
});

describe('item stock update', () => {
  function variationIds(itemId: string): number[] {
    return sandbox.getItem(itemId)?.variations.map((variation) => variation.id) ?? [];
  }

  test('item has the documented shape', async () => {
    const response = await apiGet(sandbox, `/items/${itemIds[0]}`, accessToken);
    const item = sandbox.getItem(itemIds[0] ?? '');

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(item);
    expect(item).toMatchObject({ seller_id: sellerId, currency_id: 'MXN', available_quantity: 12, status: 'active' });
    expect(item?.variations[0]).toMatchObject({
      price: 418,
      available_quantity: 4,
      attribute_combinations: [
        { id: 'SIZE', name: 'Talla', value_id: null, value_name: '23' },
        { id: 'COLOR', name: 'Color', value_id: null, value_name: 'PLATA' },
      ],
      attributes: [{ id: 'SELLER_SKU', name: 'SKU', value_name: 'CEN0_PLATA23' }],
    });
    expect(String(item?.variations[0]?.id)).toMatch(/^\d{12}$/);
  });

  test('variation without id is rejected', async () => {
    const itemId = itemIds[1] ?? '';
    const [a, , c] = variationIds(itemId);
    const response = await apiPut(sandbox, `/items/${itemId}`, accessToken, {
      variations: [{ id: a, available_quantity: 1 }, { available_quantity: 2 }, { id: c }],
    });
    const body = validationErrorSchema.parse(await response.json());

    expect(response.status).toBe(400);
    expect(body).toMatchObject({ message: 'Variation without id would be recreated', error: 'validation_error', status: 400 });
    expect(body.cause[0]).toMatchObject({ code: 'item.variations.id.missing', type: 'error', department: 'items', references: ['variations[1].id'] });
    expect(sandbox.getItem(itemId)?.available_quantity).toBe(12);
  });

  test('omitted variation is rejected', async () => {
    const itemId = itemIds[1] ?? '';
    const [a, b] = variationIds(itemId);
    const response = await apiPut(sandbox, `/items/${itemId}`, accessToken, { variations: [{ id: a, available_quantity: 0 }, { id: b }] });
    const body = validationErrorSchema.parse(await response.json());

    expect(response.status).toBe(400);
    expect(body.error).toBe('validation_error');
    expect(body.cause.map((entry) => entry.code)).toEqual(['item.variations.missing']);
    expect(sandbox.getItem(itemId)?.variations[0]?.available_quantity).toBe(4);
  });

  test.each([
    ['negative quantity', -1],
    ['fractional quantity', 1.5],
    ['quantity as text', '3'],
  ])('%s is rejected', async (_name, quantity) => {
    const itemId = itemIds[1] ?? '';
    const [a, b, c] = variationIds(itemId);
    const response = await apiPut(sandbox, `/items/${itemId}`, accessToken, {
      variations: [{ id: a, available_quantity: quantity }, { id: b }, { id: c }],
    });
    const body = validationErrorSchema.parse(await response.json());

    expect(response.status).toBe(400);
    expect(body.cause[0]).toMatchObject({ code: 'item.available_quantity.invalid', references: ['variations[0].available_quantity'] });
  });

  test('item-level quantity on an item with variations is rejected', async () => {
    const response = await apiPut(sandbox, `/items/${itemIds[1]}`, accessToken, { available_quantity: 6 });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'validation_error', status: 400 });
  });

  test('unknown variation id is rejected', async () => {
    const itemId = itemIds[1] ?? '';
    const [a, b, c] = variationIds(itemId);
    const response = await apiPut(sandbox, `/items/${itemId}`, accessToken, { variations: [{ id: a }, { id: b }, { id: c }, { id: 111111111111 }] });
    const body = validationErrorSchema.parse(await response.json());

    expect(response.status).toBe(400);
    expect(body.cause[0]).toMatchObject({ code: 'item.variations.id.invalid', references: ['variations[3].id'] });
  });

  test('full list updates stock and sum', async () => {
    const itemId = itemIds[2] ?? '';
    const [a, b, c] = variationIds(itemId);
    const before = sandbox.getItem(itemId)?.last_updated ?? '';
    const response = await apiPut(sandbox, `/items/${itemId}`, accessToken, {
      variations: [{ id: a, available_quantity: 0 }, { id: b, available_quantity: 9 }, { id: c }],
    });
    const body = await response.json();
    const stored = sandbox.getItem(itemId);

    expect(response.status).toBe(200);
    expect(body).toEqual(stored);
    expect(stored?.variations.map((variation) => variation.available_quantity)).toEqual([0, 9, 4]);
    expect(stored?.available_quantity).toBe(13);
    expect(stored?.last_updated).toBeDefined();
    expect((stored?.last_updated ?? '') >= before).toBe(true);
  });

  test('item without variations takes available_quantity', async () => {
    const itemId = bigItemIds[0] ?? '';
    const response = await apiPut(sandbox, `/items/${itemId}`, bigAccessToken, { available_quantity: 6 });

    expect(response.status).toBe(200);
    expect(sandbox.getItem(itemId)?.available_quantity).toBe(6);
  });

  test('item of another seller is forbidden', async () => {
    const response = await apiPut(sandbox, `/items/${bigItemIds[1]}`, accessToken, { available_quantity: 6 });

    expect(response.status).toBe(403);
    expect(sandbox.getItem(bigItemIds[1] ?? '')?.available_quantity).toBe(1);
  });
});
