import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTikTokConnector } from '../../src/connectors/tiktok/index.js';
import type { IncomingWebhook, MarketplaceConnector, ParsedWebhook } from '../../src/connectors/shared/index.js';
import { startTikTokSandbox, type SeededSeller, type TikTokSandbox } from '../../src/sandbox/tiktok/index.js';
import { connectShop, footwearProducts, sandboxApp, sandboxConfig, type ConnectedShop } from './tiktok-fixtures.js';
import { testLogger } from '../support/logger.js';

interface Delivery {
  headers: IncomingHttpHeaders;
  rawBody: string;
}

let receiver: Server;
const received: Delivery[] = [];
/** Statuses the receiver responds with, in order; 200 once the list is used up. */
const plannedStatuses: number[] = [];
let sandbox: TikTokSandbox;
let connector: MarketplaceConnector;
let seller: SeededSeller;
let connected: ConnectedShop;
let productId: string;

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, rawBody: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(plannedStatuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/tiktok`;

  sandbox = await startTikTokSandbox({ apps: [sandboxApp({ webhookUrl })], logger: testLogger(), webhookRetryDelaysMs: [20, 20] });
  const config = sandboxConfig(sandbox);
  connector = createTikTokConnector(config);
  seller = sandbox.seedSeller({ sellerName: 'Zapatería Avisos', shops: [{ name: 'AVISOS_MX', products: footwearProducts(2, 'AVI') }] });
  productId = seller.shops[0]?.productIds[1] ?? '';
  connected = await connectShop(sandbox, config, seller.openId);
});

afterAll(async () => {
  await sandbox.close();
  receiver.closeAllConnections();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

/** Waits for the sandbox to deliver and returns the deliveries since `from` of one webhook type. */
async function deliveries(from: number, type: number): Promise<IncomingWebhook[]> {
  await sandbox.webhooks.flush();
  return received
    .slice(from)
    .filter((delivery) => (JSON.parse(delivery.rawBody) as { type?: number }).type === type)
    .map((delivery) => ({ headers: delivery.headers, rawBody: delivery.rawBody }));
}

function verified(webhook: IncomingWebhook | undefined): Extract<ParsedWebhook, { ok: true }> {
  const parsed = connector.parseWebhook(webhook ?? { headers: {}, rawBody: '' });
  if (!parsed.ok) throw new Error(`webhook rejected: ${parsed.reason}`);
  return parsed;
}

function skuIdAt(index: number): string {
  return sandbox.getProduct(productId)?.skus[index]?.id ?? '';
}

describe('TikTok webhooks', () => {
  it('fetches the order of an order status change', async () => {
    const from = received.length;
    const order = sandbox.createOrder({
      shopId: seller.shops[0]?.shopId ?? '',
      lines: [
        { productId, skuId: skuIdAt(1), quantity: 2 },
        { productId, skuId: skuIdAt(2), quantity: 1 },
      ],
    });
    let apiCalls = 0;

    const [webhook] = await deliveries(from, 1);
    const parsed = verified(webhook);
    const resource = await connector.fetchWebhookResource({ ...connected.session, onApiCall: () => (apiCalls += 1) }, parsed);

    expect(parsed).toMatchObject({ accountId: connected.tokens.accountId, topic: 'ORDER_STATUS_CHANGE', resource: order.id, verification: 'verified' });
    expect(parsed.dedupeKey).toMatch(/^\d{19}$/);
    expect(order.line_items).toHaveLength(3);
    expect(resource).toEqual({
      kind: 'order',
      order: {
        externalId: order.id,
        status: 'AWAITING_SHIPMENT',
        createdAt: new Date(order.create_time * 1000),
        lines: [
          { externalId: productId, externalVariantId: skuIdAt(1), sellerSku: 'AVI001_NEGRO24', quantity: 2 },
          { externalId: productId, externalVariantId: skuIdAt(2), sellerSku: 'AVI001_NEGRO25', quantity: 1 },
        ],
      },
    });
    expect(apiCalls).toBe(1);
    expect(sandbox.requests.at(-1)).toMatchObject({ method: 'GET', path: '/order/202309/orders', query: { ids: order.id } });
    expect(sandbox.getProduct(productId)?.skus.map((sku) => sku.inventory[0]?.quantity)).toEqual([4, 2, 3]);
  });

  it('fetches the listings of an inventory change', async () => {
    const from = received.length;
    sandbox.setSkuStock(productId, skuIdAt(0), 13);

    const [webhook] = await deliveries(from, 27);
    const parsed = verified(webhook);
    const resource = await connector.fetchWebhookResource(connected.session, parsed);

    expect(parsed).toMatchObject({ topic: 'INVENTORY_STATUS_CHANGE', resource: productId });
    expect(resource.kind).toBe('listings');
    const listing = resource.kind === 'listings' ? resource.listings.find((candidate) => candidate.externalVariantId === skuIdAt(0)) : undefined;
    expect(listing).toMatchObject({ availableQuantity: 13, sellerSku: 'AVI001_NEGRO23' });
  });

  it('keeps the digits of a numeric product id', async () => {
    const from = received.length;
    sandbox.setProductStatus(productId, 'SELLER_DEACTIVATED');

    const [webhook] = await deliveries(from, 5);

    expect(webhook?.rawBody).toContain(`"product_id":${productId},`);
    const parsed = verified(webhook);
    expect(parsed.resource).toBe(productId);
    const resource = await connector.fetchWebhookResource(connected.session, parsed);
    expect(resource.kind === 'listings' ? resource.listings.map((listing) => listing.status) : []).toEqual(['SELLER_DEACTIVATED', 'SELLER_DEACTIVATED', 'SELLER_DEACTIVATED']);
    sandbox.setProductStatus(productId, 'ACTIVATE');
    await sandbox.webhooks.flush();
  });

  it('rejects tampered and foreign signatures', async () => {
    const from = received.length;
    sandbox.setSkuStock(productId, skuIdAt(0), 5);
    const [webhook] = await deliveries(from, 27);
    const rawBody = webhook?.rawBody ?? '';

    const tampered = connector.parseWebhook({ headers: webhook?.headers ?? {}, rawBody: rawBody.replace('"quantity":5', '"quantity":50').replace('"total_quantity":5', '"total_quantity":50') });
    const foreign = createTikTokConnector({ ...sandboxConfig(sandbox), appSecret: 'another-app-secret' }).parseWebhook(webhook ?? { headers: {}, rawBody });

    expect(rawBody).toContain('"total_quantity":5');
    expect(tampered).toEqual({ ok: false, reason: expect.stringContaining('signature does not match') });
    expect(foreign.ok).toBe(false);
    expect(connector.parseWebhook({ headers: { authorization: ['bad', 'worse'] }, rawBody }).ok).toBe(false);
  });

  it('gives redeliveries the same dedupe key', async () => {
    const from = received.length;
    plannedStatuses.push(500);
    sandbox.setSkuStock(productId, skuIdAt(2), 8);

    const webhooks = await deliveries(from, 27);

    expect(webhooks).toHaveLength(2);
    const [first, second] = webhooks.map(verified);
    expect(first?.dedupeKey).toBe(second?.dedupeKey);
    expect(sandbox.webhooks.sent.slice(-2).map((attempt) => [attempt.status, attempt.attempt])).toEqual([
      [500, 1],
      [200, 2],
    ]);
  });

  it('ignores a deauthorization without calling the API', async () => {
    const from = received.length;
    const before = sandbox.requests.length;
    sandbox.revokeAuthorization(seller.openId);

    const [webhook] = await deliveries(from, 6);
    const parsed = verified(webhook);
    const resource = await connector.fetchWebhookResource(connected.session, parsed);

    expect(parsed).toMatchObject({ topic: 'SELLER_DEAUTHORIZATION', resource: null, accountId: connected.tokens.accountId });
    expect(resource).toEqual({ kind: 'ignored', topic: 'SELLER_DEAUTHORIZATION' });
    expect(sandbox.requests.length).toBe(before);
  });
});
