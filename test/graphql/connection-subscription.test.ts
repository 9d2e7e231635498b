import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { expectData } from '../support/graphql-client.js';
import { startConnectionApi, type ConnectionApi } from './connection-harness.js';

const SUBSCRIPTION = `subscription Changes($connectionId: ID) {
  connectionStatusChanged(connectionId: $connectionId) { connectionId status previousStatus statusReason { code message } changedAt }
}`;

interface StatusChange {
  connectionId: string;
  status: string;
  previousStatus: string | null;
  statusReason: { code: string; message: string } | null;
  changedAt: string;
}

interface Message {
  data?: { connectionStatusChanged: StatusChange } | null;
  errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }>;
}

/** Collects every message of one subscription in arrival order, and waits for one that matches. */
function collect(client: Client, variables: Record<string, unknown>) {
  const messages: Message[] = [];
  let closed = false;
  const stop = client.subscribe<Message['data']>(
    { query: SUBSCRIPTION, variables },
    {
      next: (message) => void messages.push(message as Message),
      error: (error) => {
        closed = true;
        if (Array.isArray(error)) messages.push({ errors: error });
      },
      complete: () => {
        closed = true;
      },
    },
  );
  const waitFor = async (what: string, match: (message: Message) => boolean, poke?: () => Promise<void>): Promise<Message> => {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const found = messages.find(match);
      if (found) return found;
      if (closed) break;
      await poke?.();
      await sleep(100);
    }
    throw new Error(`No subscription message with ${what} arrived; received ${JSON.stringify(messages)}.`);
  };
  return { messages, waitFor, stop };
}

function connect(url: string, token: string): Client {
  return createClient({
    url,
    connectionParams: { token, locale: 'en' },
    lazy: false,
    retryAttempts: 0,
    webSocketImpl: WebSocket,
    onNonLazyError: () => {},
  });
}

describe('connectionStatusChanged subscription', () => {
  let api: ConnectionApi;

  beforeAll(async () => {
    api = await startConnectionApi();
  });

  afterAll(async () => {
    await api?.close();
  });

  it('delivers the tenant\'s status changes of one connection', async () => {
    const own = await api.connectMercadoLibre('tenant-watch', 'WATCH_STORE');
    const other = await api.connectMercadoLibre('tenant-watch', 'WATCH_OTHER_STORE');
    const foreign = await api.connectMercadoLibre('tenant-foreign', 'FOREIGN_STORE');
    const client = connect(api.wsUrl, await api.token('tenant-watch'));
    const subscription = collect(client, { connectionId: own.connectionId });

    // The client cannot see when the server has subscribed, so a probe is published until one arrives.
    // A foreign tenant's change, another connection's change and another event type go out first each time.
    const probe = async () => {
      const { events } = api.runtime;
      await events.publish({ type: 'CONNECTION_STATUS_CHANGED', tenantId: 'tenant-foreign', connectionId: foreign.connectionId, data: { status: 'ERROR' } });
      await events.publish({ type: 'CONNECTION_STATUS_CHANGED', tenantId: 'tenant-watch', connectionId: other.connectionId, data: { status: 'ERROR' } });
      await events.publish({ type: 'SYNC_RUN_STARTED', tenantId: 'tenant-watch', connectionId: own.connectionId });
      await events.publish({ type: 'CONNECTION_STATUS_CHANGED', tenantId: 'tenant-watch', connectionId: own.connectionId, data: { status: 'ACTIVE' } });
    };
    await subscription.waitFor('the probe', (message) => message.data?.connectionStatusChanged.status === 'ACTIVE', probe);

    await api.graphql('tenant-foreign', 'mutation ($id: ID!) { disconnectMarketplace(id: $id) { revocation } }', { id: foreign.connectionId });
    const disconnected = expectData(await api.graphql<{ disconnectMarketplace: { connection: { statusChangedAt: string } } }>(
      'tenant-watch',
      'mutation ($id: ID!) { disconnectMarketplace(id: $id) { connection { statusChangedAt } } }',
      { id: own.connectionId },
    )).disconnectMarketplace;
    const change = await subscription.waitFor('status DISCONNECTED', (message) => message.data?.connectionStatusChanged.status === 'DISCONNECTED');

    expect(change.data?.connectionStatusChanged).toEqual({
      connectionId: own.connectionId,
      status: 'DISCONNECTED',
      previousStatus: 'ACTIVE',
      statusReason: { code: 'disconnected_revoked', message: 'A user disconnected the account and Mercado Libre removed the EGDC authorization.' },
      changedAt: disconnected.connection.statusChangedAt,
    });
    expect(subscription.messages.every((message) => message.data?.connectionStatusChanged.connectionId === own.connectionId)).toBe(true);
    expect(subscription.messages.some((message) => message.data?.connectionStatusChanged.status === 'ERROR')).toBe(false);
    subscription.stop();
    await client.dispose();
  });

  it('rejects an unknown connection id', async () => {
    const client = connect(api.wsUrl, await api.token('tenant-watch'));
    const subscription = collect(client, { connectionId: '00000000-0000-4000-8000-000000000000' });

    const failure = await subscription.waitFor('an error', (message) => message.errors !== undefined);

    expect(failure.errors?.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND']);
    await client.dispose();
  });
});
