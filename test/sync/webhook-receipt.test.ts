import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crossTenantEntityManager, tenantEntityManager } from '../../src/database/orm.js';
import { Marketplace, WebhookDelivery, WebhookDeliveryStatus } from '../../src/entities/index.js';
import { receiveWebhook } from '../../src/sync/webhooks.js';
import { CLIENT_ID, shoeItems, startSyncHarness, type ConnectedSeller, type SyncHarness } from '../support/sync-harness.js';

const tenantId = 'tenant-inbox';
let harness: SyncHarness;
let seller: ConnectedSeller;

beforeAll(async () => {
  harness = await startSyncHarness();
  seller = await harness.connectSeller(tenantId, 'INBOX_STORE', shoeItems(1, 'INBX', ['25'], () => 3));
});

afterAll(async () => {
  await harness?.close();
});

/** A notification body; each call gets its own `_id` (the dedupe key) unless `fields` sets one. */
function notification(fields: Record<string, unknown> = {}): string {
  const sent = '2026-05-04T12:00:00.000Z';
  return JSON.stringify({
    _id: randomUUID(), resource: '/orders/2000000000000099', user_id: seller.userId, topic: 'orders_v2',
    application_id: Number(CLIENT_ID), attempts: 1, sent, received: sent, ...fields,
  });
}

function receive(rawBody: string) {
  return receiveWebhook(harness.deps, Marketplace.MERCADOLIBRE, { headers: { 'content-type': 'application/json' }, rawBody });
}

async function allDeliveries(): Promise<WebhookDelivery[]> {
  return crossTenantEntityManager(harness.orm).find(WebhookDelivery, {}, { filters: false, orderBy: { createdAt: 'asc' } });
}

describe('receiveWebhook', () => {
  it('rejects a malformed body and stores nothing', async () => {
    expect(await receive('{"topic": "orders_v2",')).toEqual({ status: 'rejected', reason: 'body is not valid JSON' });
    const missingSeller = await receive(notification({ user_id: undefined }));
    expect(missingSeller).toEqual({ status: 'rejected', reason: expect.stringContaining('user_id') });
    expect((await receive(notification({ user_id: 'seller-one' }))).status).toBe('rejected');
    expect(await allDeliveries()).toEqual([]);
  });

  it('ignores a seller with no connection', async () => {
    const receipt = await receive(notification({ user_id: 987654321 }));

    expect(receipt).toEqual({ status: 'unknown_account', accountId: '987654321' });
    expect(await allDeliveries()).toEqual([]);
  });

  it('stores a delivery once and counts redeliveries', async () => {
    const body = notification({ resource: '/orders/2000000000000101', sent: '2026-05-04T12:01:00.000Z' });

    const first = await receive(body);
    const second = await receive(body);
    const third = await receive(body);

    expect(first).toMatchObject({ status: 'accepted', tenantId });
    if (first.status !== 'accepted') return;
    expect(second).toEqual({ status: 'duplicate', tenantId, deliveryId: first.deliveryId });
    expect(third).toEqual({ status: 'duplicate', tenantId, deliveryId: first.deliveryId });
    const rows = await tenantEntityManager(harness.orm, tenantId).find(WebhookDelivery, { resource: '/orders/2000000000000101' });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: first.deliveryId, topic: 'orders_v2', rawBody: body, verification: 'unsigned', status: WebhookDeliveryStatus.RECEIVED,
      redeliveries: 2, attempts: 0,
    });
    expect(rows[0]!.connection?.id).toBe(seller.connectionId);
    expect(await tenantEntityManager(harness.orm, 'tenant-elsewhere').count(WebhookDelivery, {})).toBe(0);
  });

  it('accepts one of several simultaneous identical deliveries', async () => {
    const body = notification({ resource: '/orders/2000000000000102', sent: '2026-05-04T12:02:00.000Z' });

    const receipts = await Promise.all(Array.from({ length: 5 }, () => receive(body)));

    expect(receipts.filter((receipt) => receipt.status === 'accepted')).toHaveLength(1);
    expect(receipts.filter((receipt) => receipt.status === 'duplicate')).toHaveLength(4);
    const rows = await tenantEntityManager(harness.orm, tenantId).find(WebhookDelivery, { resource: '/orders/2000000000000102' });
    expect(rows.map((row) => row.redeliveries)).toEqual([4]);
  });
});
