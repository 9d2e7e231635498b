import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresEvents, type PostgresEvents } from '../../src/events/postgres-events.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { captureLogger } from './log-capture.js';

describe('postgres events reconnect', () => {
  let database: TestDatabase;
  let events: PostgresEvents;
  const log = captureLogger();

  beforeAll(async () => {
    database = await createTestDatabase();
    events = await createPostgresEvents({ databaseUrl: database.url, logger: log.logger, reconnectInitialDelayMs: 50 });
  });

  afterAll(async () => {
    await events?.close();
    await database?.close();
  });

  it('listens again after the connection is killed', async () => {
    const subscription = events.subscribe('tenant-a');
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    const killed = await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND application_name = 'egdc-events-listener'`,
    );
    await admin.end();

    // Events sent while the listener is down are lost, so keep publishing until one arrives.
    let received = false;
    const next = subscription.next().then((result) => {
      received = true;
      return result;
    });
    for (let attempt = 0; attempt < 300 && !received; attempt += 1) {
      await events.publish({ type: 'STOCK_PUSHED', tenantId: 'tenant-a', connectionId: 'connection-1', data: { attempt } });
      await sleep(100);
    }
    const result = await next;
    await subscription.return?.();

    expect(killed.rowCount).toBe(1);
    expect(result.done).toBe(false);
    expect(log.lines.some((line) => line.msg.startsWith('Lost the PostgreSQL LISTEN connection'))).toBe(true);
    expect(log.lines.some((line) => line.msg === 'Restored the PostgreSQL LISTEN connection for sync events')).toBe(true);
  });
});
