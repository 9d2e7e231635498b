import { setTimeout as sleep } from 'node:timers/promises';
import { print } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { EventsPort, Services, SyncEvent } from '../../src/services.js';
import { SyncEventsDocument, type SyncEventsSubscription } from '../generated/graphql.js';
import { startTestApi, type TestApi } from '../support/api-server.js';
import { captureText } from '../support/capture.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { seedTenant, type SeededTenant } from '../support/seed-tenant.js';

interface Received {
  data?: SyncEventsSubscription | null;
  errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }>;
}

/** Opens a graphql-ws client; `closed` resolves with the close code the server sent. */
function connect(url: string, connectionParams: Record<string, unknown>, headers: Record<string, string> = {}) {
  let resolveClosed: (code: number) => void = () => {};
  const closed = new Promise<number>((resolve) => {
    resolveClosed = resolve;
  });
  const client = createClient({
    url,
    connectionParams,
    lazy: false,
    retryAttempts: 0,
    webSocketImpl: class extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers });
        // Server messages go to the secret-leak captures like HTTP responses do.
        this.on('message', (data) => captureText(`graphql-ws message from ${address}`, String(data)));
      }
    },
    on: { closed: (event) => resolveClosed((event as { code: number }).code) },
    onNonLazyError: () => {},
  });
  return { client, closed };
}

/** Subscribes and returns the first message the server sends (data or errors). */
function firstMessage(client: Client, variables: Record<string, unknown>): { result: Promise<Received>; stop: () => void } {
  let stop = () => {};
  const result = new Promise<Received>((resolve, reject) => {
    stop = client.subscribe<SyncEventsSubscription>(
      { query: print(SyncEventsDocument), variables },
      {
        next: (message) => resolve(message as Received),
        error: (error) => (Array.isArray(error) ? resolve({ errors: error }) : reject(error)),
        complete: () => {},
      },
    );
  });
  return { result, stop: () => stop() };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

/**
 * Publishes `publish()`'s events every `intervalMs` until `received` settles, at most `attempts`
 * times. The client cannot see when the server has subscribed, and LISTEN/NOTIFY delivers only
 * events published after that, so one early publication could be lost.
 */
async function publishUntilReceived<T>(
  received: Promise<T>,
  publish: () => Promise<SyncEvent[]>,
  { attempts = 50, intervalMs = 100 } = {},
): Promise<{ message: T; published: SyncEvent[] }> {
  let settled = false;
  const settling = received.then(
    () => { settled = true; },
    () => { settled = true; },
  );
  const published: SyncEvent[] = [];
  for (let attempt = 0; attempt < attempts && !settled; attempt += 1) {
    published.push(...(await publish()));
    await Promise.race([settling, sleep(intervalMs)]);
  }
  if (!settled) throw new Error(`The subscriber received nothing after ${attempts} publications ${intervalMs} ms apart; check that the server subscribes to the events port.`);
  return { message: await received, published };
}

interface SubscriptionCounter {
  /** Subscriptions the server opened since the counter was installed. */
  opened: number;
  /** Subscriptions still open, i.e. not yet ended by return() or throw(). */
  open: number;
}

/**
 * Wraps the runtime's events port in place (the server reads `services.events` for each
 * subscription) so that a test can see subscriptions open and close. Every call goes to the real
 * LISTEN/NOTIFY events.
 */
function countSubscriptions(services: Services): SubscriptionCounter {
  const events: EventsPort = services.events;
  const counter: SubscriptionCounter = { opened: 0, open: 0 };
  services.events = {
    publish: (event) => events.publish(event),
    subscribe(tenantId, filter) {
      const source = events.subscribe(tenantId, filter);
      counter.opened += 1;
      counter.open += 1;
      let ended = false;
      const end = () => {
        if (!ended) counter.open -= 1;
        ended = true;
      };
      const iterator: AsyncIterableIterator<SyncEvent> = {
        next: () => source.next(),
        return: async () => {
          end();
          return source.return ? source.return() : { value: undefined, done: true };
        },
        throw: async (error?: unknown) => {
          end();
          if (source.throw) return source.throw(error);
          throw error;
        },
        [Symbol.asyncIterator]: () => iterator,
      };
      return iterator;
    },
  };
  return counter;
}

describe('GraphQL over WebSocket (graphql-ws)', () => {
  let database: TestDatabase;
  let api: TestApi;
  let tenantA: SeededTenant;
  let tenantB: SeededTenant;
  let subscriptions: SubscriptionCounter;

  beforeAll(async () => {
    database = await createTestDatabase();
    api = await startTestApi(database);
    subscriptions = countSubscriptions(api.services);
    tenantA = await seedTenant(database.orm, 'tenant-a');
    tenantB = await seedTenant(database.orm, 'tenant-b');
  });

  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it('delivers an event published after subscribing', async () => {
    const { client } = connect(api.wsUrl, { authorization: `Bearer ${await api.token('tenant-a')}` });
    const openedBefore = subscriptions.opened;
    const subscription = firstMessage(client, { connectionId: tenantA.connectionId });

    // Another tenant's event and another connection's event, published first each time, must not arrive.
    const { message, published } = await publishUntilReceived(subscription.result, async () => [
      await api.events.publish({ type: 'SYNC_RUN_STARTED', tenantId: 'tenant-b', connectionId: tenantB.connectionId }),
      await api.events.publish({ type: 'SYNC_RUN_STARTED', tenantId: 'tenant-a', connectionId: '00000000-0000-4000-8000-000000000000' }),
      await api.events.publish({
        type: 'SYNC_RUN_FINISHED',
        tenantId: 'tenant-a',
        connectionId: tenantA.connectionId,
        syncRunId: tenantA.syncRunId,
        sku: 'SKU-0',
        data: { written: 3 },
      }),
    ]);

    expect(message.errors).toBeUndefined();
    const delivered = published.find((event) => event.id === message.data?.syncEvents.id);
    expect(delivered?.type).toBe('SYNC_RUN_FINISHED');
    expect(message.data?.syncEvents).toEqual({
      id: delivered?.id,
      type: 'SYNC_RUN_FINISHED',
      connectionId: tenantA.connectionId,
      syncRunId: tenantA.syncRunId,
      sku: 'SKU-0',
      occurredAt: delivered?.occurredAt,
      data: { written: 3 },
      description: 'Terminó una sincronización.',
    });
    expect(subscriptions.opened - openedBefore).toBe(1);
    subscription.stop();
    await until(() => subscriptions.open === 0);
    await client.dispose();
  });

  it('uses the locale from connection_init', async () => {
    const { client } = connect(api.wsUrl, { token: await api.token('tenant-a'), locale: 'en' });
    const subscription = firstMessage(client, {});
    const { message } = await publishUntilReceived(subscription.result, async () => [
      await api.events.publish({ type: 'STOCK_PUSHED', tenantId: 'tenant-a', connectionId: tenantA.connectionId }),
    ]);
    expect(message.data?.syncEvents.description).toBe('Stock was sent to the marketplace.');
    subscription.stop();
    await until(() => subscriptions.open === 0);
    await client.dispose();
  });

  it('answers NOT_FOUND for another tenant connection', async () => {
    const { client } = connect(api.wsUrl, { token: await api.token('tenant-a') }, { 'accept-language': 'en' });
    const openedBefore = subscriptions.opened;
    const subscription = firstMessage(client, { connectionId: tenantB.connectionId });
    const message = await subscription.result;
    expect(message.data ?? null).toBeNull();
    expect(message.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(message.errors?.[0]?.message).toBe(`Marketplace connection ${tenantB.connectionId} was not found.`);
    expect(subscriptions.opened - openedBefore).toBe(0);
    expect(subscriptions.open).toBe(0);
    await client.dispose();
  });

  it('reports a syntax error without closing the socket', async () => {
    const { client } = connect(api.wsUrl, { token: await api.token('tenant-a') });
    const message = await new Promise<Received>((resolve) => {
      client.subscribe({ query: 'subscription { syncEvents {' }, {
        next: (value) => resolve(value as Received),
        error: (error) => resolve({ errors: error as Received['errors'] }),
        complete: () => {},
      });
    });
    expect(message.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(message.errors?.[0]?.message).toMatch(/^La consulta no es válida: Syntax Error/);
    await client.dispose();
  });

  it('closes with 4401 for a bad token', async () => {
    const { closed, client } = connect(api.wsUrl, { authorization: 'Bearer not-a-jwt' });
    expect(await closed).toBe(4401);
    await client.dispose();
  });

  it('closes with 4401 without a token', async () => {
    const { closed, client } = connect(api.wsUrl, {});
    expect(await closed).toBe(4401);
    await client.dispose();
  });
});
