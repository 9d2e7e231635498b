import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { MikroORM } from '../../src/database/orm.js';
import { tenantEntityManager } from '../../src/database/orm.js';
import { MarketplaceConnection, OAuthState, SyncRun, SyncRunStatus } from '../../src/entities/index.js';
import type { ConnectionsPort, EventsPort, Services, SyncEvent, SyncPort } from '../../src/services.js';

/**
 * Small real implementations of the service ports for GraphQL tests: they write the rows the real
 * services would (OAuthState, SyncRun) and fan events out within this process.
 */

export interface InProcessEvents extends EventsPort {
  /** Number of open subscriptions, so a test can publish only once the server has subscribed. */
  subscriberCount(): number;
}

export function createInProcessEvents(): InProcessEvents {
  const subscribers = new Set<{ tenantId: string; filter?: (event: SyncEvent) => boolean; push(event: SyncEvent): void }>();
  return {
    subscriberCount: () => subscribers.size,
    async publish(input) {
      const event: SyncEvent = { ...input, id: randomUUID(), occurredAt: new Date().toISOString() };
      for (const subscriber of subscribers) {
        if (subscriber.tenantId === event.tenantId && (!subscriber.filter || subscriber.filter(event))) subscriber.push(event);
      }
      return event;
    },
    subscribe(tenantId, filter) {
      const queued: SyncEvent[] = [];
      const waiting: Array<(result: IteratorResult<SyncEvent>) => void> = [];
      let done = false;
      const subscriber = {
        tenantId,
        filter,
        push(event: SyncEvent) {
          const resolve = waiting.shift();
          if (resolve) resolve({ value: event, done: false });
          else queued.push(event);
        },
      };
      subscribers.add(subscriber);
      const iterator: AsyncIterableIterator<SyncEvent> = {
        next() {
          if (done) return Promise.resolve({ value: undefined, done: true });
          const event = queued.shift();
          if (event) return Promise.resolve({ value: event, done: false });
          return new Promise((resolve) => waiting.push(resolve));
        },
        return() {
          done = true;
          subscribers.delete(subscriber);
          for (const resolve of waiting.splice(0)) resolve({ value: undefined, done: true });
          return Promise.resolve({ value: undefined, done: true });
        },
        [Symbol.asyncIterator]() {
          return iterator;
        },
      };
      return iterator;
    },
  };
}

function createConnectionsPort(orm: MikroORM): ConnectionsPort {
  return {
    async startAuthorization({ tenantId, userId, marketplace, returnTo }) {
      const em = tenantEntityManager(orm, tenantId);
      const state = randomBytes(16).toString('base64url');
      const expiresAt = new Date(Date.now() + 10 * 60_000);
      em.create(OAuthState, {
        tenantId,
        stateHash: createHash('sha256').update(state).digest('hex'),
        marketplace,
        redirectUri: `http://127.0.0.1/oauth/${marketplace.toLowerCase()}/callback`,
        returnTo: returnTo ?? null,
        userId,
        expiresAt,
      });
      await em.flush();
      return { authorizationUrl: `http://127.0.0.1/authorize?state=${state}`, expiresAt };
    },
  };
}

function createSyncPort(orm: MikroORM): SyncPort {
  return {
    async startSync({ tenantId, connectionId, kind, trigger }) {
      const em = tenantEntityManager(orm, tenantId);
      const connection = await em.findOneOrFail(MarketplaceConnection, { id: connectionId });
      const run = em.create(SyncRun, { tenantId, connection, kind, trigger, status: SyncRunStatus.QUEUED });
      await em.flush();
      return run;
    },
  };
}

export function createInProcessServices(orm: MikroORM): Services & { events: InProcessEvents } {
  return { connections: createConnectionsPort(orm), sync: createSyncPort(orm), events: createInProcessEvents() };
}
