import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionWithListingsDocument, ListingsWithRelationsDocument } from '../generated/graphql.js';
import { startTestApi, type TestApi } from '../support/api-server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { expectData, postGraphQL } from '../support/graphql-client.js';
import { seedTenant } from '../support/seed-tenant.js';

describe('SQL queries per request', () => {
  let database: TestDatabase;
  let api: TestApi;
  let token: string;
  const statements: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedTenant(database.orm, 'tenant-a', { listings: 120 });
    // The runtime's ORM logs to the runtime logger at debug level, and its `[query] ...` lines are the statements it runs.
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          const entry = JSON.parse(line) as { orm?: boolean; msg?: string };
          if (entry.orm && entry.msg?.startsWith('[query] ')) statements.push(entry.msg.slice('[query] '.length));
        }
        callback();
      },
    });
    api = await startTestApi(database, { logger: pino({ level: 'debug' }, destination) });
    // startRuntime opens its ORM without query logging, so this turns MikroORM's `query` debug namespace on. Not
    // logger.setDebugMode: MikroORM 6.6 resets it from the `debug` option on every config.set().
    api.runtime.orm.config.set('debug', ['query']);
    token = await api.token('tenant-a');
  });

  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  async function countQueries<T>(run: () => Promise<T>): Promise<{ result: T; queries: string[] }> {
    statements.length = 0;
    const result = await run();
    return { result, queries: [...statements] };
  }

  it('costs the same for 100 listings with relations as for 10', async () => {
    const small = await countQueries(() => postGraphQL(api.graphqlUrl, ListingsWithRelationsDocument, { first: 10 }, { token }));
    const large = await countQueries(() => postGraphQL(api.graphqlUrl, ListingsWithRelationsDocument, { first: 100 }, { token }));

    const smallNodes = expectData(small.result).listings.nodes;
    const largeNodes = expectData(large.result).listings.nodes;
    expect(smallNodes).toHaveLength(10);
    expect(largeNodes).toHaveLength(100);
    expect(largeNodes.every((node) => node.connection.id && node.lastSyncRun?.status === 'SUCCEEDED')).toBe(true);

    // One query for the page, one for the connections, one for the sync runs.
    expect(small.queries, small.queries.join('\n')).toHaveLength(3);
    expect(large.queries.length, large.queries.join('\n')).toBe(small.queries.length);
  });

  it('costs the same for nested connection listings of any page size', async () => {
    const { connectionId: connection } = await seedTenant(database.orm, 'tenant-c', { listings: 30 });
    const tokenC = await api.token('tenant-c');
    const small = await countQueries(() => postGraphQL(api.graphqlUrl, ConnectionWithListingsDocument, { id: connection, first: 5 }, { token: tokenC }));
    const large = await countQueries(() => postGraphQL(api.graphqlUrl, ConnectionWithListingsDocument, { id: connection, first: 25 }, { token: tokenC }));
    expect(expectData(large.result).connection.listings.nodes).toHaveLength(25);
    expect(large.queries.length, large.queries.join('\n')).toBe(small.queries.length);
  });
});
