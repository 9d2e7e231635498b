import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RESILIENCE_OPTIONS } from '../../src/connectors/shared/resilience/index.js';
import { tenantEntityManager } from '../../src/database/orm.js';
import {
  InventoryAdjustment, Listing, Marketplace, MarketplaceConnection, Product, WebhookDelivery, WebhookDeliveryStatus,
} from '../../src/entities/index.js';
import type { Item, NotificationPayload, Order } from '../../src/sandbox/mercadolibre/types.js';
import { applyOrder } from '../../src/sync/orders.js';
import { processWebhookDelivery, receiveWebhook } from '../../src/sync/webhooks.js';
import {
  CLIENT_ID, shoeItems, startSyncHarness, waitFor, type ConnectedSeller, type SyncHarness,
} from '../support/sync-harness.js';
import { testLogger } from '../support/logger.js';

const tenantId = 'tenant-orders';
let harness: SyncHarness;
let webhookUrl: string;
let seller: ConnectedSeller;
let otherSeller: ConnectedSeller;

/** SKUs ORD000_25 .. ORD003_26, 5 pairs each in EGDC and on both sellers' listings. */
const items = shoeItems(4, 'ORD', ['25', '26'], () => 5);

beforeAll(async () => {
  harness = await startSyncHarness();
  webhookUrl = await harness.startWebhookServer();
  const skus = items.flatMap((item) => item.variations!.map((variation) => variation.sellerSku));
  await harness.insertProducts(tenantId, skus.map((sku) => ({ sku, stock: 5 })));
  seller = await harness.connectSeller(tenantId, 'ORDERS_STORE', [
    ...items,
    { title: 'Tenis sin producto', price: 300, variations: [{ sellerSku: 'NOPRODUCT_25', size: '25', price: 300, availableQuantity: 4 }] },
  ]);
  otherSeller = await harness.connectSeller(tenantId, 'ORDERS_OTHER_STORE', items.slice(0, 1));
});

afterAll(async () => {
  await harness?.close();
});

function sandboxItem(itemId: string): Item {
  const item = harness.sandbox.getItem(itemId);
  if (!item) throw new Error(`sandbox has no item ${itemId}`);
  return item;
}

function variationId(itemId: string, index: number): number {
  return sandboxItem(itemId).variations[index]!.id;
}

function em() {
  return tenantEntityManager(harness.orm, tenantId);
}

async function deliveriesFor(order: Order): Promise<WebhookDelivery[]> {
  return em().find(WebhookDelivery, { resource: `/orders/${order.id}` }, { orderBy: { createdAt: 'asc' } });
}

async function waitForProcessed(order: Order, count = 1): Promise<WebhookDelivery[]> {
  return waitFor(
    `${count} processed deliveries of order ${order.id}`,
    () => deliveriesFor(order),
    (rows) => rows.filter((row) => row.status === WebhookDeliveryStatus.PROCESSED).length >= count,
  );
}

/** A notification for `order` as MercadoLibre sends it; a later `sent` makes it a new delivery. */
function orderNotification(order: Order, sent = new Date().toISOString()): NotificationPayload {
  return {
    _id: randomUUID(), resource: `/orders/${order.id}`, user_id: order.seller.id, topic: 'orders_v2',
    application_id: Number(CLIENT_ID), attempts: 1, sent, received: sent,
  };
}

async function postNotification(body: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: response.status, body: await response.json() };
}

/** Adjustments recorded for `order` as [order key, delta, stock after], oldest first. */
async function adjustmentsFor(order: Order): Promise<Array<[string, number, number]>> {
  const rows = await em().find(InventoryAdjustment, { externalOrderId: { $like: `${order.id}%` } }, { orderBy: { createdAt: 'asc' } });
  return rows.map((row) => [row.externalOrderId, row.delta, row.stockAfter]);
}

describe('marketplace orders', () => {
  it('lowers EGDC stock once and pushes the new level elsewhere', async () => {
    const itemId = seller.itemIds[0]!;
    const order = harness.sandbox.createOrder({ sellerId: seller.userId, lines: [{ itemId, variationId: variationId(itemId, 0), quantity: 2 }] });

    await waitForProcessed(order);
    await harness.sandbox.notifications.flush();
    await harness.waitForIdle(tenantId, otherSeller.connectionId);

    expect(await harness.productStock(tenantId, 'ORD000_25')).toBe(3);
    expect(await adjustmentsFor(order)).toEqual([[String(order.id), -2, 3]]);
    const delivered = harness.sandbox.notifications.sent.filter((attempt) => attempt.payload.resource === `/orders/${order.id}`);
    expect(delivered.map((attempt) => attempt.status)).toEqual([200]);
    const origin = await em().findOneOrFail(Listing, { connection: seller.connectionId, sku: 'ORD000_25' });
    expect({ local: origin.localStock, remote: origin.remoteStock }).toEqual({ local: 3, remote: 3 });
    expect(harness.requestsSince(0, 'PUT', `/items/${itemId}`)).toEqual([]);
    const otherItem = sandboxItem(otherSeller.itemIds[0]!);
    expect(otherItem.variations.map((variation) => variation.available_quantity)).toEqual([3, 5]);
  });

  it('applies a redelivered notification once', async () => {
    const itemId = seller.itemIds[1]!;
    const order = harness.sandbox.createOrder({ sellerId: seller.userId, lines: [{ itemId, variationId: variationId(itemId, 1), quantity: 1 }] });
    const [first] = await waitForProcessed(order);
    await harness.sandbox.notifications.flush();
    const sent = harness.sandbox.notifications.sent.find((attempt) => attempt.payload.resource === `/orders/${order.id}`)!;

    const again = await postNotification(JSON.stringify(sent.payload));
    const retried = await postNotification(JSON.stringify(orderNotification(order)));
    await waitForProcessed(order, 2);
    const direct = await processWebhookDelivery(harness.deps, { tenantId, deliveryId: first!.id });

    expect(again).toEqual({ status: 200, body: { status: 'duplicate' } });
    expect(retried).toEqual({ status: 200, body: { status: 'accepted' } });
    expect(direct).toEqual({ ordersApplied: 0, listingsUpdated: 0 });
    const deliveries = await deliveriesFor(order);
    expect(deliveries.map((row) => [row.status, row.redeliveries, row.attempts])).toEqual([
      [WebhookDeliveryStatus.PROCESSED, 1, 1],
      [WebhookDeliveryStatus.PROCESSED, 0, 1],
    ]);
    expect(await harness.productStock(tenantId, 'ORD001_26')).toBe(4);
    expect(await adjustmentsFor(order)).toEqual([[String(order.id), -1, 4]]);
  });

  it('records an order for an unknown SKU and changes nothing', async () => {
    const itemId = seller.itemIds[4]!;
    const stockBefore = (await em().find(Product, {}, { orderBy: { sku: 'asc' } })).map((product) => [product.sku, product.stock]);
    const order = harness.sandbox.createOrder({ sellerId: seller.userId, lines: [{ itemId, variationId: variationId(itemId, 0), quantity: 1 }] });

    const [delivery] = await waitForProcessed(order);

    expect(delivery?.topic).toBe('orders_v2');
    expect(delivery?.lastError).toBeNull();
    expect(JSON.parse(delivery!.rawBody)).toMatchObject({ resource: `/orders/${order.id}`, user_id: seller.userId });
    expect((await em().find(Product, {}, { orderBy: { sku: 'asc' } })).map((product) => [product.sku, product.stock])).toEqual(stockBefore);
    expect(await adjustmentsFor(order)).toEqual([]);

    const connection = await em().findOneOrFail(MarketplaceConnection, { id: seller.connectionId });
    const outcome = await applyOrder(em(), connection, { externalId: String(order.id), status: 'paid', createdAt: new Date(), lines: [{ externalId: itemId, externalVariantId: String(variationId(itemId, 0)), sellerSku: 'NOPRODUCT_25', quantity: 1 }] }, testLogger());
    expect(outcome).toMatchObject({ applied: false, adjustments: [], unknownLines: 1 });
  });

  it('puts cancelled units back once', async () => {
    const itemId = seller.itemIds[2]!;
    const order = harness.sandbox.createOrder({ sellerId: seller.userId, lines: [{ itemId, variationId: variationId(itemId, 0), quantity: 1 }] });
    await waitForProcessed(order);
    expect(await harness.productStock(tenantId, 'ORD002_25')).toBe(4);
    harness.sandbox.injectFault({ method: 'GET', path: `/orders/${order.id}`, status: 200, body: { ...order, status: 'cancelled' }, times: Infinity });

    try {
      expect(await postNotification(JSON.stringify(orderNotification(order)))).toMatchObject({ body: { status: 'accepted' } });
      await waitForProcessed(order, 2);
      expect(await postNotification(JSON.stringify(orderNotification(order, new Date(Date.now() + 1000).toISOString())))).toMatchObject({ body: { status: 'accepted' } });
      await waitForProcessed(order, 3);
    } finally {
      harness.sandbox.clearFaults();
    }

    expect(await harness.productStock(tenantId, 'ORD002_25')).toBe(5);
    expect(await adjustmentsFor(order)).toEqual([[String(order.id), -1, 4], [`${order.id}:cancelled`, 1, 5]]);
  });

  it('retries a delivery whose order fetch failed', async () => {
    const itemId = seller.itemIds[2]!;
    // Every attempt of the connector's call fails, so the delivery job is what retries.
    const attempts = DEFAULT_RESILIENCE_OPTIONS.maxAttempts;
    harness.sandbox.injectFault({ method: 'GET', path: /^\/orders\/\d+$/, status: 503, times: attempts });

    const order = harness.sandbox.createOrder({ sellerId: seller.userId, lines: [{ itemId, variationId: variationId(itemId, 1), quantity: 3 }] });
    const [delivery] = await waitForProcessed(order);

    expect(delivery?.attempts).toBe(2);
    expect(delivery?.lastError).toBeNull();
    expect(await harness.productStock(tenantId, 'ORD002_26')).toBe(2);
    expect(await adjustmentsFor(order)).toEqual([[String(order.id), -3, 2]]);
    expect(harness.requestsSince(0, 'GET', `/orders/${order.id}`).map((request) => request.status)).toEqual([...Array<number>(attempts).fill(503), 200]);
  });

  it('reports a manual stock edit on the marketplace', async () => {
    const itemId = seller.itemIds[1]!;
    const before = harness.sandbox.requests.length;

    harness.sandbox.setVariationStock(itemId, variationId(itemId, 0), 2);
    const [delivery] = await waitFor(
      `the items notification of ${itemId} to be processed`,
      () => em().find(WebhookDelivery, { resource: `/items/${itemId}` }),
      (rows) => rows.some((row) => row.status === WebhookDeliveryStatus.PROCESSED),
    );

    expect(delivery?.topic).toBe('items');
    expect(await harness.productStock(tenantId, 'ORD001_25')).toBe(2);
    const adjustments = await em().find(InventoryAdjustment, { sku: 'ORD001_25' });
    expect(adjustments.map((row) => [row.externalOrderId.startsWith(`listing-edit:${itemId}:`), row.delta, row.stockAfter])).toEqual([[true, -3, 2]]);
    const listing = await em().findOneOrFail(Listing, { connection: seller.connectionId, sku: 'ORD001_25' });
    expect({ local: listing.localStock, remote: listing.remoteStock, base: listing.baseStock }).toEqual({ local: 2, remote: 2, base: 2 });
    expect(harness.requestsSince(before, 'PUT')).toEqual([]);
  });

  it('applies concurrent orders for one SKU without losing units', async () => {
    harness.muteNotifications();
    const itemId = seller.itemIds[3]!;
    const lines = [{ itemId, variationId: variationId(itemId, 1), quantity: 1 }];
    const orders = [1, 2, 3].map(() => harness.sandbox.createOrder({ sellerId: seller.userId, lines }));
    const receipts = await Promise.all(orders.map((order) => receiveWebhook(harness.deps, Marketplace.MERCADOLIBRE, { headers: {}, rawBody: JSON.stringify(orderNotification(order)) })));
    await harness.startWebhookServer();

    const outcomes = await Promise.all(receipts.map((receipt) => {
      if (receipt.status !== 'accepted') throw new Error(`notification not accepted: ${JSON.stringify(receipt)}`);
      return processWebhookDelivery(harness.deps, { tenantId, deliveryId: receipt.deliveryId });
    }));

    expect(outcomes.map((outcome) => outcome.ordersApplied)).toEqual([1, 1, 1]);
    expect(await harness.productStock(tenantId, 'ORD003_26')).toBe(2);
    const listing = await em().findOneOrFail(Listing, { connection: seller.connectionId, sku: 'ORD003_26' });
    expect({ local: listing.localStock, remote: listing.remoteStock }).toEqual({ local: 2, remote: 2 });
  });
});
