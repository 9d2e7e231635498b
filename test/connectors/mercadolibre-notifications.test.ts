import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMercadoLibreConnector,
  fetchNotificationResource,
  parseNotification,
  type MercadoLibreClient,
} from '../../src/connectors/mercadolibre/index.js';
import { startMercadoLibreSandbox } from '../../src/sandbox/mercadolibre/index.js';
import type { MercadoLibreSandbox } from '../../src/sandbox/mercadolibre/types.js';
import { connectSeller, footwearItems, sandboxApp, sandboxConfig } from './mercadolibre-fixtures.js';
import { testLogger } from '../support/logger.js';

let receiver: Server;
const received: string[] = [];
let sandbox: MercadoLibreSandbox;
let client: MercadoLibreClient;
let accessToken: string;
let userId: number;
let itemId: string;

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      received.push(body);
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const notificationUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/mercadolibre`;

  sandbox = await startMercadoLibreSandbox({ apps: [sandboxApp(notificationUrl)], ratePerSecond: 1000, logger: testLogger() });
  const seeded = sandbox.seedSeller({ nickname: 'TIENDA_AVISOS', items: footwearItems(2, 'AVISO') });
  userId = seeded.userId;
  itemId = seeded.itemIds[1] ?? '';
  const connected = await connectSeller(sandbox, sandboxConfig(sandbox), userId);
  client = connected.client;
  accessToken = connected.tokens.accessToken;
});

afterAll(async () => {
  await sandbox.close();
  receiver.closeAllConnections();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

/** Waits for the sandbox to deliver and returns the bodies received since `from` for one topic. */
async function deliveredBodies(from: number, topic: string): Promise<string[]> {
  await sandbox.notifications.flush();
  return received.slice(from).filter((body) => (JSON.parse(body) as { topic?: string }).topic === topic);
}

describe('MercadoLibre notifications', () => {
  it('fetches the order of an orders_v2 notification', async () => {
    const variation = sandbox.getItem(itemId)?.variations[1];
    const from = received.length;
    const order = sandbox.createOrder({ sellerId: userId, lines: [{ itemId, variationId: variation?.id ?? 0, quantity: 2 }] });

    const [body] = await deliveredBodies(from, 'orders_v2');
    const notification = parseNotification(JSON.parse(body ?? 'null'));
    expect(notification.resource).toBe(`/orders/${order.id}`);
    expect(notification.userId).toBe(String(userId));
    expect(notification.attempts).toBe(1);
    expect(notification.dedupeKey).toBe(`id:${notification.id}`);

    const resource = await fetchNotificationResource(client, notification);
    expect(resource.kind).toBe('order');
    if (resource.kind !== 'order') {
      return;
    }
    expect(resource.order.externalId).toBe(String(order.id));
    expect(resource.order.status).toBe('paid');
    expect(resource.order.createdAt).toBeInstanceOf(Date);
    expect(resource.order.lines).toEqual([
      { externalId: itemId, externalVariantId: String(variation?.id), sellerSku: 'AVISO0001_NEGRO26', quantity: 2 },
    ]);
  });

  it('fetches the listings of an items notification', async () => {
    const variation = sandbox.getItem(itemId)?.variations[0];
    const from = received.length;
    sandbox.setVariationStock(itemId, variation?.id ?? 0, 13);

    const [body] = await deliveredBodies(from, 'items');
    const notification = parseNotification(JSON.parse(body ?? 'null'));
    expect(notification.resource).toBe(`/items/${itemId}`);

    const resource = await fetchNotificationResource(client, notification);
    expect(resource.kind).toBe('item');
    if (resource.kind !== 'item') {
      return;
    }
    const listing = resource.listings.find((candidate) => candidate.externalVariantId === String(variation?.id));
    expect(listing?.availableQuantity).toBe(13);
    expect(listing?.sellerSku).toBe('AVISO0001_NEGRO25');
  });

  it('ignores other topics', async () => {
    const resource = await fetchNotificationResource(client, { topic: 'questions', resource: '/questions/123' });

    expect(resource).toMatchObject({ kind: 'ignored', topic: 'questions' });
  });

  it('serves the connector contract', async () => {
    const connector = createMercadoLibreConnector(sandboxConfig(sandbox));
    const from = received.length;
    const order = sandbox.createOrder({ sellerId: userId, lines: [{ itemId, variationId: sandbox.getItem(itemId)?.variations[0]?.id ?? 0, quantity: 1 }] });
    const [rawBody] = await deliveredBodies(from, 'orders_v2');
    let apiCalls = 0;
    const session = {
      accountId: String(userId),
      tokens: { getAccessToken: async () => accessToken },
      logger: testLogger(),
      onApiCall: () => {
        apiCalls += 1;
      },
    };

    const parsed = connector.parseWebhook({ headers: { 'content-type': 'application/json' }, rawBody: rawBody ?? '' });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) {
      return;
    }
    expect(parsed.accountId).toBe(String(userId));
    expect(parsed.verification).toBe('unsigned');
    const resource = await connector.fetchWebhookResource(session, parsed);
    expect(resource.kind).toBe('order');
    expect(resource.kind === 'order' ? resource.order.externalId : null).toBe(String(order.id));
    expect(apiCalls).toBe(1);
    expect(connector.parseWebhook({ headers: {}, rawBody: 'not json' })).toEqual({ ok: false, reason: 'body is not valid JSON' });
  });
});
