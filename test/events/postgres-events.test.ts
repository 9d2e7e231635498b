import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresEvents, type PostgresEvents } from '../../src/events/postgres-events.js';
import { EventPayloadTooLargeError, InvalidSyncEventError, SYNC_EVENTS_CHANNEL } from '../../src/events/sync-event-schema.js';
import type { SyncEvent } from '../../src/services.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { captureLogger } from './log-capture.js';

describe('postgres events', () => {
  let database: TestDatabase;
  const publisherLog = captureLogger();
  const receiverLog = captureLogger();
  // Two instances stand for two processes: each has its own LISTEN connection and publisher pool.
  let publisher: PostgresEvents;
  let receiver: PostgresEvents;

  // NOTIFY reaches other connections after `publish` resolves, so an event of an earlier test can
  // still be in flight when the next test subscribes. A tenant per test keeps them apart.
  let tenantCount = 0;
  const newTenant = () => `tenant-${++tenantCount}`;

  beforeAll(async () => {
    database = await createTestDatabase();
    publisher = await createPostgresEvents({ databaseUrl: database.url, logger: publisherLog.logger });
    receiver = await createPostgresEvents({ databaseUrl: database.url, logger: receiverLog.logger });
  });

  afterAll(async () => {
    await publisher?.close();
    await receiver?.close();
    await database?.close();
  });

  it('delivers an event to another instance', async () => {
    const tenantId = newTenant();
    const subscription = receiver.subscribe(tenantId);
    const publishedBefore = publisher.published;

    const sent = await publisher.publish({
      type: 'SYNC_RUN_STARTED',
      tenantId,
      connectionId: 'connection-1',
      syncRunId: 'run-1',
      data: { read: 0, dryRun: false, cursor: null },
    });
    const received = await subscription.next();
    await subscription.return?.();

    expect(sent.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number.isNaN(Date.parse(sent.occurredAt))).toBe(false);
    expect(received.done).toBe(false);
    expect(received.value).toEqual(sent);
    expect(publisher.published).toBe(publishedBefore + 1);
    expect(receiver.published).toBe(0);
  });

  it('delivers to a subscriber of the publishing instance too', async () => {
    const tenantId = newTenant();
    const subscription = publisher.subscribe(tenantId);
    const sent = await publisher.publish({ type: 'LISTING_UPDATED', tenantId, connectionId: 'connection-1', sku: 'SKU-1' });
    const received = await subscription.next();
    await subscription.return?.();

    expect(received.value).toEqual(sent);
  });

  it('keeps tenants apart', async () => {
    const tenantA = newTenant();
    const tenantB = newTenant();
    const subscriptionB = receiver.subscribe(tenantB);

    // NOTIFY is delivered in commit order, so tenant B's first event proves A's was skipped.
    await publisher.publish({ type: 'STOCK_PUSHED', tenantId: tenantA, connectionId: 'connection-a' });
    const eventB = await publisher.publish({ type: 'STOCK_PUSHED', tenantId: tenantB, connectionId: 'connection-b' });
    const received = await subscriptionB.next();
    await subscriptionB.return?.();

    expect(received.value).toEqual(eventB);
    expect(received.value?.tenantId).toBe(tenantB);
  });

  it('applies the subscriber filter', async () => {
    const tenantId = newTenant();
    const subscription = receiver.subscribe(tenantId, (event) => event.type === 'ORDER_APPLIED');

    await publisher.publish({ type: 'LISTING_UPDATED', tenantId, connectionId: 'connection-1' });
    const order = await publisher.publish({ type: 'ORDER_APPLIED', tenantId, connectionId: 'connection-1', message: 'order 42' });
    const received = await subscription.next();
    await subscription.return?.();

    expect(received.value).toEqual(order);
  });

  it('ends a waiting iterator on return()', async () => {
    const tenantId = newTenant();
    const subscription = receiver.subscribe(tenantId);
    const waiting = subscription.next();

    const returned = await subscription.return?.();
    await publisher.publish({ type: 'SYNC_RUN_FINISHED', tenantId, connectionId: 'connection-1' });

    expect(returned).toEqual({ value: undefined, done: true });
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(await subscription.next()).toEqual({ value: undefined, done: true });
  });

  it('ends a for-await loop on break', async () => {
    const tenantId = newTenant();
    const subscription = receiver.subscribe(tenantId);
    const sent = await publisher.publish({ type: 'CONNECTION_STATUS_CHANGED', tenantId, connectionId: 'connection-1' });

    const seen: SyncEvent[] = [];
    for await (const event of subscription) {
      seen.push(event);
      break;
    }

    expect(seen).toEqual([sent]);
    expect(await subscription.next()).toEqual({ value: undefined, done: true });
  });

  it('rejects an oversized payload', async () => {
    const tenantId = newTenant();
    const publishedBefore = publisher.published;

    const attempt = publisher.publish({ type: 'LISTING_UPDATED', tenantId, connectionId: 'connection-1', message: 'x'.repeat(8_000) });

    await expect(attempt).rejects.toBeInstanceOf(EventPayloadTooLargeError);
    await expect(attempt).rejects.toThrow(/over the 7900-byte NOTIFY limit/);
    expect(publisher.published).toBe(publishedBefore);
  });

  it('rejects an event without a tenant', async () => {
    const attempt = publisher.publish({ type: 'LISTING_UPDATED', tenantId: '', connectionId: 'connection-1' });

    await expect(attempt).rejects.toBeInstanceOf(InvalidSyncEventError);
    await expect(attempt).rejects.toThrow(/tenantId/);
  });

  it('ignores and logs malformed notifications', async () => {
    const tenantId = newTenant();
    const subscription = receiver.subscribe(tenantId);
    const raw = new pg.Client({ connectionString: database.url });
    await raw.connect();
    const malformedBefore = receiverLog.lines.filter((line) => line.msg === 'Ignored a malformed sync event notification').length;

    await raw.query('SELECT pg_notify($1, $2)', [SYNC_EVENTS_CHANNEL, 'not json']);
    await raw.query('SELECT pg_notify($1, $2)', [SYNC_EVENTS_CHANNEL, JSON.stringify({ tenantId, type: 'UNKNOWN' })]);
    await raw.end();
    const valid = await publisher.publish({ type: 'STOCK_PUSHED', tenantId, connectionId: 'connection-1' });
    const received = await subscription.next();
    await subscription.return?.();

    expect(received.value).toEqual(valid);
    const malformed = receiverLog.lines.filter((line) => line.msg === 'Ignored a malformed sync event notification');
    expect(malformed.length - malformedBefore).toBe(2);
    expect(malformed.at(-2)?.reason).toMatch(/not JSON/);
    expect(malformed.at(-1)?.reason).toMatch(/type/);
  });

  it('drops the oldest events past the buffer bound', async () => {
    const tenantId = newTenant();
    const bounded = await createPostgresEvents({ databaseUrl: database.url, logger: receiverLog.logger, maxBufferedPerSubscription: 3 });
    try {
      const slow = bounded.subscribe(tenantId);
      const lastEvent = bounded.subscribe(tenantId, (event) => event.data?.index === 4);

      const sent: SyncEvent[] = [];
      for (let index = 0; index < 5; index += 1) {
        sent.push(await publisher.publish({ type: 'STOCK_PUSHED', tenantId, connectionId: 'connection-1', data: { index } }));
      }
      // Notifications are handled in order and each reaches every subscription in one pass, so
      // once the fifth event is seen the slow subscription has been offered all five.
      await lastEvent.next();
      const buffered = [await slow.next(), await slow.next(), await slow.next()].map((result) => result.value);

      expect(buffered).toEqual(sent.slice(2));
      const warnings = receiverLog.lines.filter((line) => line.msg === 'Sync event subscriber is too slow; dropped the oldest buffered event');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.droppedEventId).toBe(sent[0]?.id);
    } finally {
      await bounded.close();
    }
  });

  it('ends subscriptions on close()', async () => {
    const tenantId = newTenant();
    const instance = await createPostgresEvents({ databaseUrl: database.url, logger: receiverLog.logger });
    const subscription = instance.subscribe(tenantId);
    const waiting = subscription.next();

    await instance.close();

    expect(await waiting).toEqual({ value: undefined, done: true });
    await expect(instance.publish({ type: 'STOCK_PUSHED', tenantId, connectionId: 'c' })).rejects.toThrow(/closed/);
  });
});
