import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createShopifyConnector, type ShopifyConnector } from '../../src/connectors/shopify/index.js';
import type { IncomingWebhook, ParsedWebhook } from '../../src/connectors/shared/index.js';
import { startShopifySandbox, type SeededShop, type ShopifySandbox } from '../../src/sandbox/shopify/index.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  connectShop,
  sandboxApp,
  sandboxConfig,
  startWebhookReceiver,
  type ConnectedShop,
  type ReceivedWebhook,
  type WebhookReceiver,
} from './shopify-fixtures.js';
import { testLogger } from '../support/logger.js';

const SHOP = 'zapateria-avisos.myshopify.com';

let receiver: WebhookReceiver;
let sandbox: ShopifySandbox;
let connector: ShopifyConnector;
let connected: ConnectedShop;
let seeded: SeededShop;

beforeAll(async () => {
  // The first delivery of every 7th webhook fails once, so retries are exercised.
  receiver = await startWebhookReceiver((index) => (index === 6 ? 500 : 200));
  sandbox = await startShopifySandbox({ apps: [sandboxApp(receiver.url)], logger: testLogger(), webhookRetryDelayMs: 20 });
  seeded = sandbox.seedShop({
    shopDomain: SHOP,
    products: [
      {
        title: 'Tenis Niño Urbano',
        variants: [
          { sku: 'TN-URB-22', size: '22', color: 'Azul', price: 799, available: 6 },
          { sku: 'TN-URB-23', size: '23', color: 'Azul', price: 799, available: 10 },
        ],
      },
    ],
  });
  const config = sandboxConfig(sandbox);
  connector = createShopifyConnector(config);
  connected = await connectShop(sandbox, config, SHOP);
});

afterAll(async () => {
  await sandbox.close();
  await receiver.close();
});

function asIncoming(webhook: ReceivedWebhook): IncomingWebhook {
  return { headers: webhook.headers, rawBody: webhook.rawBody };
}

/** Waits for the sandbox to deliver and returns what arrived since `from` for one topic. */
async function delivered(from: number, topic: string): Promise<ReceivedWebhook[]> {
  await sandbox.webhooks.flush();
  return receiver.received.slice(from).filter((webhook) => webhook.headers['x-shopify-topic'] === topic);
}

function verified(parsed: ParsedWebhook): Extract<ParsedWebhook, { ok: true }> {
  if (!parsed.ok) throw new Error(`webhook rejected: ${parsed.reason}`);
  return parsed;
}

const product = () => seeded.products[0] ?? { productId: '', variantIds: [], inventoryItemIds: [] };

describe('Shopify webhooks', () => {
  it('verifies and fetches a new order', async () => {
    const from = receiver.received.length;
    const order = sandbox.createOrder({ shopDomain: SHOP, lines: [{ variantId: product().variantIds[1] ?? '', quantity: 2 }] });

    const [webhook] = await delivered(from, 'orders/create');
    expect(webhook).toBeDefined();
    if (!webhook) return;
    const parsed = verified(connector.parseWebhook(asIncoming(webhook)));

    expect(parsed).toEqual({
      ok: true,
      accountId: SHOP,
      dedupeKey: webhook.headers['x-shopify-event-id'],
      topic: 'orders/create',
      resource: order.id,
      verification: 'verified',
    });
    const resource = await connector.fetchWebhookResource(connected.session, parsed);
    expect(resource).toEqual({
      kind: 'order',
      order: {
        externalId: order.id,
        status: 'paid',
        createdAt: new Date(order.createdAt),
        lines: [{ externalId: product().productId, externalVariantId: product().variantIds[1], sellerSku: 'TN-URB-23', quantity: 2 }],
      },
    });
  });

  it('signs the raw body bytes', async () => {
    const [webhook] = await delivered(0, 'orders/create');
    const expected = createHmac('sha256', CLIENT_SECRET).update(Buffer.from(webhook?.rawBody ?? '', 'utf8')).digest('base64');

    expect(webhook?.headers['x-shopify-hmac-sha256']).toBe(expected);
    expect(webhook?.rawBody).toContain('Tenis Niño Urbano');
    expect(webhook?.headers['x-shopify-api-version']).toBe('2026-04');
    expect(webhook?.headers['x-shopify-webhook-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(String(webhook?.headers['x-shopify-triggered-at']))).not.toBeNaN();
  });

  it('rejects tampered and unsigned webhooks', async () => {
    const [webhook] = await delivered(0, 'orders/create');
    if (!webhook) throw new Error('no orders/create webhook');
    const headers = { ...webhook.headers };

    const tampered = connector.parseWebhook({ headers, rawBody: webhook.rawBody.replace('"quantity":2', '"quantity":1') });
    const reserialized = connector.parseWebhook({ headers, rawBody: JSON.stringify(JSON.parse(webhook.rawBody), null, 1) });
    const unsigned = connector.parseWebhook({ headers: { ...headers, 'x-shopify-hmac-sha256': undefined }, rawBody: webhook.rawBody });
    const shortSignature = connector.parseWebhook({ headers: { ...headers, 'x-shopify-hmac-sha256': 'AAAA' }, rawBody: webhook.rawBody });
    const otherApp = createShopifyConnector(sandboxConfig(sandbox, { clientSecret: 'another-app-secret-000' })).parseWebhook(asIncoming(webhook));

    for (const result of [tampered, reserialized, unsigned, shortSignature, otherApp]) expect(result.ok).toBe(false);
    expect(tampered).toMatchObject({ ok: false, reason: expect.stringMatching(/X-Shopify-Hmac-Sha256 does not match/) });
    expect(unsigned).toEqual({ ok: false, reason: 'missing X-Shopify-Hmac-Sha256 header' });
  });

  it('reads headers in any case', async () => {
    const [webhook] = await delivered(0, 'orders/create');
    if (!webhook) throw new Error('no orders/create webhook');
    const headers = Object.fromEntries(
      Object.entries(webhook.headers).map(([name, value]) => [name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase()), value]),
    );
    expect(Object.keys(headers)).toContain('X-Shopify-Hmac-Sha256');

    expect(connector.parseWebhook({ headers, rawBody: webhook.rawBody }).ok).toBe(true);
  });

  it('falls back to the webhook id', async () => {
    const [webhook] = await delivered(0, 'orders/create');
    if (!webhook) throw new Error('no orders/create webhook');

    const withoutEvent = connector.parseWebhook({ headers: { ...webhook.headers, 'x-shopify-event-id': undefined }, rawBody: webhook.rawBody });
    const withoutIds = connector.parseWebhook({ headers: { ...webhook.headers, 'x-shopify-event-id': undefined, 'x-shopify-webhook-id': undefined }, rawBody: webhook.rawBody });

    expect(withoutEvent).toMatchObject({ ok: true, dedupeKey: `webhook-id:${String(webhook.headers['x-shopify-webhook-id'])}` });
    expect(withoutIds).toEqual({ ok: false, reason: 'missing X-Shopify-Event-Id and X-Shopify-Webhook-Id headers' });
  });

  it('accepts the previous secret after a rotation', async () => {
    const [webhook] = await delivered(0, 'orders/create');
    const rotated = createShopifyConnector(sandboxConfig(sandbox, { clientSecret: 'secret-after-rotation-1', previousClientSecret: CLIENT_SECRET }));

    expect(rotated.parseWebhook(asIncoming(webhook ?? { headers: {}, rawBody: '' })).ok).toBe(true);
  });

  it('refetches the listing of an inventory level', async () => {
    const from = receiver.received.length;
    sandbox.setAvailable(product().variantIds[0] ?? '', 4);

    const [webhook] = await delivered(from, 'inventory_levels/update');
    const parsed = verified(connector.parseWebhook(asIncoming(webhook ?? { headers: {}, rawBody: '' })));
    expect(parsed.resource).toMatch(/^gid:\/\/shopify\/InventoryLevel\/\d+\?inventory_item_id=\d+$/);

    const resource = await connector.fetchWebhookResource(connected.session, parsed);
    expect(resource).toMatchObject({
      kind: 'listings',
      listings: [{ externalId: product().productId, externalVariantId: product().variantIds[0], sellerSku: 'TN-URB-22', availableQuantity: 4, size: '22', color: 'Azul' }],
    });
  });

  it('refetches every variant of an updated product', async () => {
    const from = receiver.received.length;
    sandbox.setAvailable(product().variantIds[1] ?? '', 1);

    const [webhook] = await delivered(from, 'products/update');
    const parsed = verified(connector.parseWebhook(asIncoming(webhook ?? { headers: {}, rawBody: '' })));
    expect(parsed.resource).toBe(product().productId);

    const resource = await connector.fetchWebhookResource(connected.session, parsed);
    expect(resource.kind).toBe('listings');
    const listings = resource.kind === 'listings' ? resource.listings : [];
    expect(listings.map((listing) => [listing.sellerSku, listing.availableQuantity])).toEqual([
      ['TN-URB-22', 4],
      ['TN-URB-23', 1],
    ]);
  });

  it('ignores levels at other locations', async () => {
    const parsed = { ok: true as const, accountId: SHOP, dedupeKey: 'e1', topic: 'inventory_levels/update', resource: 'gid://shopify/InventoryLevel/1?inventory_item_id=2', verification: 'verified' as const };

    expect(await connector.fetchWebhookResource(connected.session, parsed)).toEqual({ kind: 'ignored', topic: 'inventory_levels/update' });
  });

  it('fetches a cancelled order', async () => {
    const order = sandbox.createOrder({ shopDomain: SHOP, lines: [{ variantId: product().variantIds[0] ?? '', quantity: 1 }] });
    const from = receiver.received.length;
    sandbox.cancelOrder(order.id);

    const [webhook] = await delivered(from, 'orders/cancelled');
    const parsed = verified(connector.parseWebhook(asIncoming(webhook ?? { headers: {}, rawBody: '' })));
    const resource = await connector.fetchWebhookResource(connected.session, parsed);

    expect(resource).toMatchObject({ kind: 'order', order: { externalId: order.id, status: 'cancelled' } });
  });

  it('keeps ids across redeliveries', async () => {
    await sandbox.webhooks.flush();
    const attempts = sandbox.webhooks.sent;
    const failed = attempts.find((attempt) => attempt.status === 500);
    expect(failed).toBeDefined();
    const retry = attempts.find((attempt) => attempt.webhookId === failed?.webhookId && attempt.attempt === 2);

    expect(retry?.status).toBe(200);
    expect(retry?.eventId).toBe(failed?.eventId);
    expect(retry?.rawBody).toBe(failed?.rawBody);
    const deliveries = receiver.received.filter((webhook) => webhook.headers['x-shopify-webhook-id'] === failed?.webhookId);
    const keys = deliveries.map((webhook) => verified(connector.parseWebhook(asIncoming(webhook))).dedupeKey);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
  });

  it('ignores app/uninstalled after revoking', async () => {
    const other = await connectShop(sandbox, sandboxConfig(sandbox), SHOP);
    const from = receiver.received.length;
    sandbox.uninstallApp(SHOP, CLIENT_ID);

    const [webhook] = await delivered(from, 'app/uninstalled');
    const parsed = verified(connector.parseWebhook(asIncoming(webhook ?? { headers: {}, rawBody: '' })));

    expect(parsed.resource).toBeNull();
    expect(await connector.fetchWebhookResource(other.session, parsed)).toEqual({ kind: 'ignored', topic: 'app/uninstalled' });
    const error = await other.client.request({ name: 'ShopName', document: '{ shop { name } }', data: z.unknown() }).catch((caught: unknown) => caught);
    expect((error as { kind?: string }).kind).toBe('auth');
  });
});
