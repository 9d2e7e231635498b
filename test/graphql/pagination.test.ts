import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantEntityManager } from '../../src/database/orm.js';
import { SyncRun, SyncRunKind } from '../../src/entities/index.js';
import {
  ConnectionWithListingsDocument, ListingsPageDocument, SyncRunsDocument, type ConnectionWithListingsQuery, type ListingsPageQuery,
} from '../generated/graphql.js';
import { startTestApi, type TestApi } from '../support/api-server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { expectData, postGraphQL, type GraphQLResponse } from '../support/graphql-client.js';
import { seedTenant, type SeededTenant } from '../support/seed-tenant.js';

describe('cursor pagination', () => {
  let database: TestDatabase;
  let api: TestApi;
  let tenant: SeededTenant;
  let token: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    api = await startTestApi(database);
    tenant = await seedTenant(database.orm, 'tenant-a', { listings: 250 });
    // Another tenant's rows must never show up in the pages.
    await seedTenant(database.orm, 'tenant-b', { listings: 20 });
    token = await api.token('tenant-a');
  });

  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it('walks 250 listings in pages of 100', async () => {
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const response: GraphQLResponse<ListingsPageQuery> = await postGraphQL(api.graphqlUrl, ListingsPageDocument, { first: 100, after }, { token });
      const { listings } = expectData(response);
      expect(listings.totalCount).toBe(250);
      expect(listings.nodes.map((node) => node.id)).toEqual(listings.edges.map((edge) => edge.node.id));
      expect(listings.pageInfo.endCursor).toBe(listings.edges.at(-1)?.cursor ?? null);
      seen.push(...listings.nodes.map((node) => node.id));
      pageSizes.push(listings.nodes.length);
      if (!listings.pageInfo.hasNextPage) break;
      after = listings.pageInfo.endCursor;
    }
    expect(pageSizes).toEqual([100, 100, 50]);
    expect(new Set(seen).size).toBe(250);
    expect([...seen].sort()).toEqual([...tenant.listingIds].sort());
  });

  it('continues a page from any edge cursor', async () => {
    const first = expectData(await postGraphQL(api.graphqlUrl, ListingsPageDocument, { first: 10 }, { token })).listings;
    const fromFifth = expectData(
      await postGraphQL(api.graphqlUrl, ListingsPageDocument, { first: 5, after: first.edges[4]!.cursor }, { token }),
    ).listings;
    expect(fromFifth.nodes.map((node) => node.id)).toEqual(first.nodes.slice(5, 10).map((node) => node.id));
  });

  it('filters by SKU before paging', async () => {
    const response = await postGraphQL(api.graphqlUrl, ListingsPageDocument, { filter: { skus: ['SKU-1', 'SKU-2', 'SKU-999'] }, first: 1 }, { token });
    const { listings } = expectData(response);
    expect(listings.totalCount).toBe(2);
    expect(listings.pageInfo.hasNextPage).toBe(true);
  });

  it('treats search text literally', async () => {
    const response = await postGraphQL(api.graphqlUrl, ListingsPageDocument, { filter: { search: '%' } }, { token });
    expect(expectData(response).listings.totalCount).toBe(0);
  });

  it.each([0, 201, -1])('rejects first = %i', async (first) => {
    const response = await postGraphQL(api.graphqlUrl, ListingsPageDocument, { first }, { token, headers: { 'accept-language': 'en' } });
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.message).toBe(`Argument first must be between 1 and 200; received ${first}.`);
  });

  it('rejects a cursor that was not issued by this list', async () => {
    const response = await postGraphQL(api.graphqlUrl, ListingsPageDocument, { after: 'bm90LWEtY3Vyc29y' }, { token });
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.message).toContain('cursor');
  });

  it('pages the listings of one connection', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let hasNextPage = true;
    while (hasNextPage) {
      const response: GraphQLResponse<ConnectionWithListingsQuery> = await postGraphQL(
        api.graphqlUrl, ConnectionWithListingsDocument, { id: tenant.connectionId, first: 120, after }, { token },
      );
      const { connection } = expectData(response);
      expect(connection.listingCount).toBe(250);
      expect(connection.listings.totalCount).toBe(250);
      seen.push(...connection.listings.nodes.map((node) => node.id));
      ({ hasNextPage } = connection.listings.pageInfo);
      after = connection.listings.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
  });

  it('lists sync runs newest first across pages', async () => {
    const em = tenantEntityManager(database.orm, 'tenant-a');
    const base = Date.now();
    for (let index = 1; index <= 4; index += 1) {
      em.create(SyncRun, {
        tenantId: 'tenant-a',
        connection: tenant.connectionId,
        kind: SyncRunKind.INCREMENTAL,
        trigger: `schedule-${index}`,
        createdAt: new Date(base + index * 1000),
      });
    }
    await em.flush();
    const firstPage = expectData(await postGraphQL(api.graphqlUrl, SyncRunsDocument, { first: 3 }, { token })).syncRuns;
    const secondPage = expectData(
      await postGraphQL(api.graphqlUrl, SyncRunsDocument, { first: 3, after: firstPage.pageInfo.endCursor }, { token }),
    ).syncRuns;
    expect(firstPage.totalCount).toBe(5);
    expect(firstPage.nodes.map((node) => node.trigger)).toEqual(['schedule-4', 'schedule-3', 'schedule-2']);
    expect(secondPage.nodes.map((node) => node.trigger)).toEqual(['schedule-1', 'api']);
    expect(secondPage.pageInfo.hasNextPage).toBe(false);
  });
});
