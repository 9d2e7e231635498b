import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SeededSeller, SheinSandbox } from '../../src/sandbox/shein/index.js';
import { APP_ID, APP_SECRET, connectSeller, decrypt, shoes, signFor, startReceiver, startTestSandbox, type SellerKeys, type WebhookReceiver } from './shein-helpers.js';

let receiver: WebhookReceiver;
let sandbox: SheinSandbox;
let seeded: SeededSeller;
let keys: SellerKeys;

beforeAll(async () => {
  // The receiver responds 500 to the second callback, to exercise a retry.
  receiver = await startReceiver((index) => (index === 1 ? 500 : 200));
  sandbox = await startTestSandbox({ webhookUrl: receiver.url, webhookRetryDelayMs: 10, webhookMaxAttempts: 2 });
  seeded = sandbox.seedSeller({ name: 'ZAPATERIA_EVENTOS', products: shoes(2, 'EVE') });
  keys = await connectSeller(sandbox, seeded.supplierId);
});

afterAll(async () => {
  await sandbox.close();
  await receiver.close();
});

function eventOf(rawBody: string): Record<string, unknown> {
  const eventData = new URLSearchParams(rawBody).get('eventData') ?? '';
  return JSON.parse(decrypt(eventData, APP_SECRET)) as Record<string, unknown>;
}

describe('event callbacks', () => {
  test('send an encrypted, signed order event', async () => {
    const from = receiver.received.length;
    const order = sandbox.createOrder({ supplierId: seeded.supplierId, lines: [{ skuCode: seeded.skuCodes[0] ?? '', quantity: 1 }] });
    await sandbox.webhooks.flush();
    const delivery = receiver.received[from];
    const headers = delivery?.headers ?? {};

    expect(headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(headers['x-lt-appid']).toBe(APP_ID);
    expect(headers['x-lt-openkeyid']).toBe(keys.openKeyId);
    const timestamp = String(headers['x-lt-timestamp']);
    expect(Math.abs(Date.now() - Number(timestamp))).toBeLessThan(60_000);
    const signature = String(headers['x-lt-signature']);
    expect(signature).toBe(signFor(APP_ID, APP_SECRET, '/hooks/shein-events', timestamp, signature.slice(0, 5)));
    expect(delivery?.rawBody.startsWith('eventData=')).toBe(true);
    expect(eventOf(delivery?.rawBody ?? '')).toEqual({ eventType: 'order', supplierId: seeded.supplierId, orderNo: order.orderNo, orderStatus: 1, eventTime: order.orderTime });
  });

  test('retry after a 500', async () => {
    const from = sandbox.webhooks.sent.length;
    sandbox.setStock(seeded.skuCodes[1] ?? '', 9);
    await sandbox.webhooks.flush();
    const attempts = sandbox.webhooks.sent.slice(from);

    expect(attempts.map((attempt) => [attempt.attempt, attempt.status])).toEqual([
      [1, 500],
      [2, 200],
    ]);
    expect(attempts[0]?.event).toEqual(attempts[1]?.event);
    expect(attempts[0]?.event).toMatchObject({ eventType: 'stock', spuName: seeded.spuNames[0], skuCodeList: [seeded.skuCodes[1]] });
    expect(sandbox.getSku(seeded.skuCodes[1] ?? '')?.usable).toBe(9);
  });

  test('send product audits', async () => {
    const from = receiver.received.length;
    sandbox.reviewProduct(seeded.spuNames[1] ?? '', 2, ['Imagen principal no cumple']);
    await sandbox.webhooks.flush();

    expect(eventOf(receiver.received[from]?.rawBody ?? '')).toMatchObject({
      eventType: 'product_audit',
      supplierId: seeded.supplierId,
      spu_name: seeded.spuNames[1],
      audit_state: 2,
      failed_reason: ['Imagen principal no cumple'],
    });
    expect(() => sandbox.reviewProduct(seeded.spuNames[1] ?? '', 9)).toThrow(/audit state 9 is invalid/);
  });

  test('skip sellers without authorization', async () => {
    const from = sandbox.webhooks.sent.length;
    sandbox.revokeAuthorization(seeded.supplierId);
    sandbox.setStock(seeded.skuCodes[2] ?? '', 2);
    await sandbox.webhooks.flush();

    expect(sandbox.webhooks.sent.length).toBe(from);
  });

  test('give up after the last attempt', async () => {
    const down = await startReceiver(() => 503);
    const other = await startTestSandbox({ webhookUrl: down.url, webhookRetryDelayMs: 5, webhookMaxAttempts: 3 });
    try {
      const seller = other.seedSeller({ name: 'CAIDA', products: shoes(1, 'CAI') });
      await connectSeller(other, seller.supplierId);
      other.setStock(seller.skuCodes[0] ?? '', 1);
      await other.webhooks.flush();

      expect(other.webhooks.sent.map((attempt) => attempt.status)).toEqual([503, 503, 503]);
      expect(other.webhooks.failed).toHaveLength(1);
      expect(other.webhooks.pending()).toBe(0);
    } finally {
      await other.close();
      await down.close();
    }
  });
});
