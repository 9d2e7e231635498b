import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import type { EventsPort, SyncEvent } from '../services.js';
import { EventSubscription } from './event-subscription.js';
import { describeDatabaseUrl, PostgresListener } from './postgres-listener.js';
import { parseSyncEvent, serializeSyncEvent, SYNC_EVENTS_CHANNEL } from './sync-event-schema.js';

export interface PostgresEventsOptions {
  databaseUrl: string;
  logger: Logger;
  /** Events held per subscription for a slow consumer before the oldest are dropped. */
  maxBufferedPerSubscription?: number;
  /** First delay before reconnecting a dropped LISTEN connection; doubles up to 30 s. */
  reconnectInitialDelayMs?: number;
}

export interface PostgresEvents extends EventsPort {
  /** Number of events this instance has published since it was created. */
  readonly published: number;
  /** Ends every subscription, stops listening and closes both connections. */
  close(): Promise<void>;
}

const DEFAULT_MAX_BUFFERED = 1_000;

/**
 * Sync event fan-out across processes through PostgreSQL LISTEN/NOTIFY. Each instance has one
 * LISTEN connection for receiving and a small pool for `pg_notify`. An event published by any
 * instance on the same database reaches the subscribers of every instance, including its own.
 */
export async function createPostgresEvents(options: PostgresEventsOptions): Promise<PostgresEvents> {
  const { databaseUrl, logger } = options;
  const maxBuffered = options.maxBufferedPerSubscription ?? DEFAULT_MAX_BUFFERED;
  const subscriptions = new Set<EventSubscription>();
  let published = 0;
  let closed = false;

  const listener = new PostgresListener({
    databaseUrl,
    channel: SYNC_EVENTS_CHANNEL,
    logger,
    reconnectInitialDelayMs: options.reconnectInitialDelayMs,
    onNotification(payload) {
      const parsed = parseSyncEvent(payload);
      if (!parsed.ok) {
        logger.warn(
          { channel: SYNC_EVENTS_CHANNEL, payloadBytes: Buffer.byteLength(payload, 'utf8'), reason: parsed.reason },
          'Ignored a malformed sync event notification',
        );
        return;
      }
      for (const subscription of subscriptions) subscription.deliver(parsed.event);
    },
  });
  await listener.start();

  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4, application_name: 'egdc-events-publisher' });
  // An idle pooled connection that breaks emits 'error' on the pool; without a listener it would crash the process.
  pool.on('error', (error) => logger.warn({ err: error }, 'An idle sync event publisher connection failed; the pool replaces it'));

  async function publish(input: Omit<SyncEvent, 'id' | 'occurredAt'>): Promise<SyncEvent> {
    if (closed) throw new Error(`Cannot publish sync event ${input.type}: the events connection is closed.`);
    const event: SyncEvent = { ...input, id: randomUUID(), occurredAt: new Date().toISOString() };
    const payload = serializeSyncEvent(event);
    try {
      await pool.query('SELECT pg_notify($1, $2)', [SYNC_EVENTS_CHANNEL, payload]);
    } catch (error) {
      throw new Error(
        `Publishing sync event ${event.type} for tenant ${event.tenantId} on ${describeDatabaseUrl(databaseUrl)} failed: ${(error as Error).message}`,
        { cause: error },
      );
    }
    published += 1;
    return event;
  }

  function subscribe(tenantId: string, filter?: (event: SyncEvent) => boolean): AsyncIterableIterator<SyncEvent> {
    if (closed) throw new Error(`Cannot subscribe tenant ${tenantId} to sync events: the events connection is closed.`);
    const subscription = new EventSubscription({
      tenantId,
      filter,
      maxBuffered,
      logger,
      onClose: (ended) => subscriptions.delete(ended),
    });
    subscriptions.add(subscription);
    return subscription;
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    for (const subscription of [...subscriptions]) subscription.close();
    await Promise.all([listener.close(), pool.end()]);
  }

  return {
    publish,
    subscribe,
    close,
    get published() {
      return published;
    },
  };
}
