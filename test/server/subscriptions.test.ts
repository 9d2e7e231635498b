import { print } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SyncEventsDocument, type SyncEventsSubscription } from '../generated/graphql.js';
import { startTestApi, type TestApi } from '../support/api-server.js';
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

describe('GraphQL over WebSocket (graphql-ws)', () => {
  let database: TestDatabase;
  let api: TestApi;
  let tenantA: SeededTenant;
  let tenantB: SeededTenant;

  beforeAll(async () => {
    database = await createTestDatabase();
    api = await startTestApi(database.orm);
    tenantA = await seedTenant(database.orm, 'tenant-a');
    tenantB = await seedTenant(database.orm, 'tenant-b');
  });

  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it('delivers an event published after subscribing', async () => {
    const { client } = connect(api.server.wsUrl, { authorization: `Bearer ${await api.token('tenant-a')}` });
    const subscription = firstMessage(client, { connectionId: tenantA.connectionId });
    await until(() => api.services.events.subscriberCount() === 1);

    // Another tenant's event and another connection's event must not arrive.
    await api.services.events.publish({ type: 'SYNC_RUN_STARTED', tenantId: 'tenant-b', connectionId: tenantB.connectionId });
    await api.services.events.publish({ type: 'SYNC_RUN_STARTED', tenantId: 'tenant-a', connectionId: '00000000-0000-4000-8000-000000000000' });
    const published = await api.services.events.publish({
      type: 'SYNC_RUN_FINISHED',
      tenantId: 'tenant-a',
      connectionId: tenantA.connectionId,
      syncRunId: tenantA.syncRunId,
      sku: 'SKU-0',
      data: { written: 3 },
    });

    const message = await subscription.result;
    expect(message.errors).toBeUndefined();
    expect(message.data?.syncEvents).toEqual({
      id: published.id,
      type: 'SYNC_RUN_FINISHED',
      connectionId: tenantA.connectionId,
      syncRunId: tenantA.syncRunId,
      sku: 'SKU-0',
      occurredAt: published.occurredAt,
      data: { written: 3 },
      description: 'Terminó una sincronización.',
    });
    subscription.stop();
    await until(() => api.services.events.subscriberCount() === 0);
    await client.dispose();
  });

  it('uses the locale from connection_init', async () => {
    const { client } = connect(api.server.wsUrl, { token: await api.token('tenant-a'), locale: 'en' });
    const subscription = firstMessage(client, {});
    await until(() => api.services.events.subscriberCount() === 1);
    await api.services.events.publish({ type: 'STOCK_PUSHED', tenantId: 'tenant-a', connectionId: tenantA.connectionId });
    const message = await subscription.result;
    expect(message.data?.syncEvents.description).toBe('Stock was sent to the marketplace.');
    subscription.stop();
    await until(() => api.services.events.subscriberCount() === 0);
    await client.dispose();
  });

  it('answers NOT_FOUND for another tenant connection', async () => {
    const { client } = connect(api.server.wsUrl, { token: await api.token('tenant-a') }, { 'accept-language': 'en' });
    const subscription = firstMessage(client, { connectionId: tenantB.connectionId });
    const message = await subscription.result;
    expect(message.data ?? null).toBeNull();
    expect(message.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(message.errors?.[0]?.message).toBe(`Marketplace connection ${tenantB.connectionId} was not found.`);
    expect(api.services.events.subscriberCount()).toBe(0);
    await client.dispose();
  });

  it('reports a syntax error without closing the socket', async () => {
    const { client } = connect(api.server.wsUrl, { token: await api.token('tenant-a') });
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
    const { closed, client } = connect(api.server.wsUrl, { authorization: 'Bearer not-a-jwt' });
    expect(await closed).toBe(4401);
    await client.dispose();
  });

  it('closes with 4401 without a token', async () => {
    const { closed, client } = connect(api.server.wsUrl, {});
    expect(await closed).toBe(4401);
    await client.dispose();
  });
});
