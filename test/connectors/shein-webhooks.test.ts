import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarketplaceConnector, TokenSet } from '../../src/connectors/shared/index.js';
import { createSheinConnector, type SheinConfig } from '../../src/connectors/shein/index.js';
import type { SeededSeller, SheinSandbox } from '../../src/sandbox/shein/index.js';
import { connectSeller, footwear, sandboxConfig, sessionFor, startTestSandbox } from './shein-fixtures.js';

interface Delivery {
  headers: IncomingHttpHeaders;
  rawBody: string;
}

let receiver: Server;
const deliveries: Delivery[] = [];
/** Response statuses for the next callbacks, in order; 200 once used up. */
const answers: number[] = [];
let sandbox: SheinSandbox;
let config: SheinConfig;
let connector: MarketplaceConnector;
let seeded: SeededSeller;
let tokens: TokenSet;

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      deliveries.push({ headers: request.headers, rawBody: body });
      response.writeHead(answers.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/shein`;

  sandbox = await startTestSandbox({ webhookUrl, webhookRetryDelayMs: 10 });
  config = sandboxConfig(sandbox);
  connector = createSheinConnector(config);
  seeded = sandbox.seedSeller({ name: 'ZAPATERIA_EVENTOS', products: footwear(2, 'EVT') });
  tokens = await connectSeller(sandbox, config, seeded.supplierId);
});

afterAll(async () => {
  await sandbox.close();
  receiver.closeAllConnections();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

async function deliveredSince(from: number): Promise<Delivery[]> {
  await sandbox.webhooks.flush();
  return deliveries.slice(from);
}

describe('SHEIN event callbacks', () => {
  it('verifies an order event and fetches the order', async () => {
    const from = deliveries.length;
    const [first, second] = seeded.skuCodes;
    const order = sandbox.createOrder({ supplierId: seeded.supplierId, lines: [{ skuCode: first ?? '', quantity: 2 }, { skuCode: second ?? '', quantity: 1 }] });

    const [delivery] = await deliveredSince(from);
    const parsed = connector.parseWebhook({ headers: delivery?.headers ?? {}, rawBody: delivery?.rawBody ?? '' });
    expect(parsed).toMatchObject({ ok: true, accountId: String(seeded.supplierId), topic: 'order', resource: order.orderNo, verification: 'verified' });
    if (!parsed.ok) return;

    const calls = { count: 0 };
    const resource = await connector.fetchWebhookResource(sessionFor(tokens, calls), parsed);
    expect(resource.kind).toBe('order');
    if (resource.kind !== 'order') return;
    expect(resource.order).toEqual({
      externalId: order.orderNo,
      status: 'pending',
      createdAt: new Date(order.orderTime),
      lines: [
        { externalId: seeded.spuNames[0], externalVariantId: first, sellerSku: 'EVT000_NEGRO24', quantity: 2 },
        { externalId: seeded.spuNames[0], externalVariantId: second, sellerSku: 'EVT000_NEGRO25', quantity: 1 },
      ],
    });
    expect(calls.count).toBe(1);
    expect(sandbox.requests.at(-1)?.body).toEqual({ orderNoList: [order.orderNo] });
  });

  it('fetches listings for a stock event', async () => {
    const from = deliveries.length;
    const skuCode = seeded.skuCodes[4] ?? '';
    sandbox.setStock(skuCode, 17);

    const [delivery] = await deliveredSince(from);
    const parsed = connector.parseWebhook({ headers: delivery?.headers ?? {}, rawBody: delivery?.rawBody ?? '' });
    expect(parsed).toMatchObject({ ok: true, topic: 'stock', resource: seeded.spuNames[1] });
    if (!parsed.ok) return;

    const resource = await connector.fetchWebhookResource(sessionFor(tokens), parsed);
    expect(resource.kind).toBe('listings');
    if (resource.kind !== 'listings') return;
    expect(resource.listings).toHaveLength(3);
    expect(resource.listings.find((listing) => listing.externalVariantId === skuCode)).toMatchObject({ availableQuantity: 17, sellerSku: 'EVT001_NEGRO25' });
  });

  it('fetches listings for a product audit', async () => {
    const from = deliveries.length;
    sandbox.reviewProduct(seeded.spuNames[0] ?? '', 2, ['Imagen principal no cumple']);

    const [delivery] = await deliveredSince(from);
    const parsed = connector.parseWebhook({ headers: delivery?.headers ?? {}, rawBody: delivery?.rawBody ?? '' });
    expect(parsed).toMatchObject({ ok: true, topic: 'product_audit', resource: seeded.spuNames[0] });
    if (!parsed.ok) return;

    const resource = await connector.fetchWebhookResource(sessionFor(tokens), parsed);
    expect(resource.kind === 'listings' ? resource.listings.map((listing) => listing.sellerSku) : []).toEqual(['EVT000_NEGRO24', 'EVT000_NEGRO25', 'EVT000_NEGRO26']);
  });

  it('keeps one dedupe key across retries', async () => {
    const from = deliveries.length;
    answers.push(500);
    sandbox.setStock(seeded.skuCodes[0] ?? '', 3);

    const [first, retry] = await deliveredSince(from);
    expect(retry).toBeDefined();
    const parsedFirst = connector.parseWebhook({ headers: first?.headers ?? {}, rawBody: first?.rawBody ?? '' });
    const parsedRetry = connector.parseWebhook({ headers: retry?.headers ?? {}, rawBody: retry?.rawBody ?? '' });
    expect(parsedFirst.ok).toBe(true);
    expect(parsedRetry.ok).toBe(true);
    expect(parsedFirst.ok ? parsedFirst.dedupeKey : 'first').toBe(parsedRetry.ok ? parsedRetry.dedupeKey : 'retry');
    expect(first?.headers['x-lt-signature']).not.toBe(retry?.headers['x-lt-signature']);
  });

  it('rejects a tampered callback', async () => {
    const from = deliveries.length;
    sandbox.setStock(seeded.skuCodes[1] ?? '', 6);
    const [delivery] = await deliveredSince(from);
    const headers = delivery?.headers ?? {};
    const rawBody = delivery?.rawBody ?? '';
    expect(connector.parseWebhook({ headers, rawBody }).ok).toBe(true);

    const eventData = new URLSearchParams(rawBody).get('eventData') ?? '';
    const bytes = Buffer.from(eventData, 'base64');
    bytes[3] = (bytes[3] ?? 0) ^ 0x01;
    const alteredBody = connector.parseWebhook({ headers, rawBody: new URLSearchParams({ eventData: bytes.toString('base64') }).toString() });
    expect(alteredBody.ok).toBe(false);

    const signature = String(headers['x-lt-signature']);
    const flipped = `${signature.slice(0, 8)}${signature[8] === 'a' ? 'b' : 'a'}${signature.slice(9)}`;
    const alteredSignature = connector.parseWebhook({ headers: { ...headers, 'x-lt-signature': flipped }, rawBody });
    expect(alteredSignature).toMatchObject({ ok: false, reason: expect.stringMatching(/x-lt-signature/) });

    const otherPath = createSheinConnector({ ...config, webhookPath: '/hooks/shein' }).parseWebhook({ headers, rawBody });
    expect(otherPath).toMatchObject({ ok: false, reason: expect.stringMatching(/\/hooks\/shein/) });
  });

  it('ignores unknown topics', async () => {
    const resource = await connector.fetchWebhookResource(sessionFor(tokens), {
      ok: true,
      accountId: String(seeded.supplierId),
      dedupeKey: 'x',
      topic: 'invoice',
      resource: 'X1',
      verification: 'verified',
    });
    expect(resource).toEqual({ kind: 'ignored', topic: 'invoice' });
  });
});
