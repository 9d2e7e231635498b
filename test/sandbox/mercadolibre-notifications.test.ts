import { afterEach, describe, expect, test } from 'vitest';
import type { MercadoLibreSandbox } from '../../src/sandbox/mercadolibre/index.js';
import {
  apiGet,
  apiPut,
  CLIENT_ID,
  CLIENT_SECRET,
  connectSeller,
  REDIRECT_URI,
  shoes,
  startReceiver,
  startTestSandbox,
  type NotificationReceiver,
} from './mercadolibre-helpers.js';

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(
  receiver: NotificationReceiver,
  options: { retryDelayMs?: number; retryWindowMs?: number } = {},
): Promise<{ sandbox: MercadoLibreSandbox; sellerId: number; itemIds: string[]; accessToken: string }> {
  cleanups.push(() => receiver.close());
  const sandbox = await startTestSandbox({
    apps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI], notificationUrl: receiver.url }],
    notificationRetryDelayMs: options.retryDelayMs ?? 50,
    notificationRetryWindowMs: options.retryWindowMs ?? 5_000,
  });
  cleanups.push(() => sandbox.close());
  const { userId, itemIds } = sandbox.seedSeller({ nickname: 'ZAPATERIA_CENTRO', items: shoes(2, 'CEN') });
  const { access_token: accessToken } = await connectSeller(sandbox, userId);
  return { sandbox, sellerId: userId, itemIds, accessToken };
}

describe('orders', () => {
  test('order takes stock and notifies', async () => {
    const receiver = await startReceiver();
    const { sandbox, sellerId, itemIds, accessToken } = await setUp(receiver);
    const itemId = itemIds[0] ?? '';
    const variationId = sandbox.getItem(itemId)?.variations[1]?.id ?? 0;

    const order = sandbox.createOrder({ sellerId, lines: [{ itemId, variationId, quantity: 3 }] });
    await sandbox.notifications.flush();

    expect(String(order.id)).toMatch(/^\d{16}$/);
    expect(order.total_amount).toBe(3 * 418);
    expect(order.order_items[0]?.item).toMatchObject({ id: itemId, variation_id: variationId, seller_sku: 'CEN0_PLATA24' });
    const item = sandbox.getItem(itemId);
    expect(item?.variations[1]?.available_quantity).toBe(1);
    expect(item?.variations[1]?.sold_quantity).toBe(3);
    expect(item?.available_quantity).toBe(9);

    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]).toMatchObject({
      resource: `/orders/${order.id}`,
      user_id: sellerId,
      topic: 'orders_v2',
      application_id: Number(CLIENT_ID),
      attempts: 1,
    });

    const fetched = await apiGet(sandbox, `/orders/${order.id}`, accessToken);
    expect(fetched.status).toBe(200);
    expect(await fetched.json()).toEqual(order);
    const search = await apiGet(sandbox, `/orders/search?seller=${sellerId}`, accessToken);
    expect(await search.json()).toEqual({ results: [order], paging: { total: 1, offset: 0, limit: 50 } });
  });

  test('order above stock is refused', async () => {
    const receiver = await startReceiver();
    const { sandbox, sellerId, itemIds } = await setUp(receiver);
    const itemId = itemIds[0] ?? '';
    const variationId = sandbox.getItem(itemId)?.variations[0]?.id ?? 0;

    expect(() => sandbox.createOrder({ sellerId, lines: [{ itemId, variationId, quantity: 5 }] })).toThrow(/only 4 available/);
    expect(sandbox.getItem(itemId)?.variations[0]?.available_quantity).toBe(4);
  });
});

describe('notifications', () => {
  test('API stock update sends items topic', async () => {
    const receiver = await startReceiver();
    const { sandbox, itemIds, accessToken } = await setUp(receiver);
    const itemId = itemIds[1] ?? '';
    const variations = sandbox.getItem(itemId)?.variations.map((variation) => ({ id: variation.id })) ?? [];

    expect((await apiPut(sandbox, `/items/${itemId}`, accessToken, { variations })).status).toBe(200);
    sandbox.setVariationStock(itemId, variations[0]?.id ?? 0, 7);
    await sandbox.notifications.flush();

    expect(receiver.received.map((payload) => [payload.topic, payload.resource])).toEqual([
      ['items', `/items/${itemId}`],
      ['items', `/items/${itemId}`],
    ]);
    expect(sandbox.getItem(itemId)?.available_quantity).toBe(15);
  });

  test('slow receiver gets a second attempt', async () => {
    // The first delivery gets its response after the 500 ms limit and the retry gets one at once.
    const receiver = await startReceiver((index) => ({ delayMs: index === 0 ? 700 : 0, status: 200 }));
    const { sandbox, sellerId, itemIds } = await setUp(receiver);
    const itemId = itemIds[0] ?? '';
    const variationId = sandbox.getItem(itemId)?.variations[0]?.id ?? 0;

    sandbox.createOrder({ sellerId, lines: [{ itemId, variationId, quantity: 1 }] });
    expect(sandbox.notifications.pending()).toBe(1);
    await sandbox.notifications.flush();

    expect(sandbox.notifications.pending()).toBe(0);
    expect(sandbox.notifications.sent.map((entry) => [entry.attempt, entry.status])).toEqual([
      [1, 'error'],
      [2, 200],
    ]);
    expect(receiver.received.map((payload) => payload.attempts)).toEqual([1, 2]);
    expect(receiver.received[1]?._id).toBe(receiver.received[0]?._id);
  });

  test('failing receiver ends in missed_feeds', async () => {
    const receiver = await startReceiver(() => ({ delayMs: 0, status: 500 }));
    const { sandbox, sellerId, itemIds, accessToken } = await setUp(receiver, { retryDelayMs: 50, retryWindowMs: 200 });
    const itemId = itemIds[0] ?? '';
    const variationId = sandbox.getItem(itemId)?.variations[0]?.id ?? 0;

    const order = sandbox.createOrder({ sellerId, lines: [{ itemId, variationId, quantity: 1 }] });
    await sandbox.notifications.flush();
    const response = await apiGet(sandbox, `/missed_feeds?app_id=${CLIENT_ID}&topic=orders_v2`, accessToken);
    const body = await response.json();

    expect(receiver.received.length).toBeGreaterThan(1);
    expect(sandbox.notifications.sent.every((entry) => entry.status === 500)).toBe(true);
    expect(sandbox.notifications.missed).toHaveLength(1);
    expect(response.status).toBe(200);
    expect(body).toMatchObject({ total: 1, messages: [{ resource: `/orders/${order.id}`, topic: 'orders_v2' }] });
  });
});
