import { readFile } from 'node:fs/promises';
import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_FILE } from '../../src/schema/emit.js';
import { startTestApi, type TestApi } from '../support/api-server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { postGraphQL } from '../support/graphql-client.js';
import { seedTenant, type SeededTenant } from '../support/seed-tenant.js';
import { testLogger } from '../support/logger.js';

/** A stand-in for the EGDC core subgraph, which owns Product. */
const CORE_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  type Product @key(fields: "sku") {
    sku: String!
    name: String!
    stock: Int!
  }

  type Query {
    product(sku: String!): Product
  }
`;

const CORE_PRODUCTS = new Map([['SKU-0', { sku: 'SKU-0', name: 'Tenis Runner Negro 26', stock: 7 }]]);

interface GatewayContext {
  authorization?: string;
}

const PRODUCT_QUERY = `
  query ProductOnMarketplaces($sku: String!) {
    product(sku: $sku) {
      name
      listings { marketplace externalId remoteStock }
    }
  }
`;

describe('federation with an EGDC-core-like subgraph', () => {
  let database: TestDatabase;
  let api: TestApi;
  let core: ApolloServer;
  let gateway: ApolloServer<GatewayContext>;
  let gatewayUrl: string;
  let tenantA: SeededTenant;
  let tenantB: SeededTenant;
  let composition: ReturnType<typeof composeServices>;

  beforeAll(async () => {
    database = await createTestDatabase();
    api = await startTestApi(database);
    tenantA = await seedTenant(database.orm, 'tenant-a', { externalPrefix: 'MLM-A' });
    tenantB = await seedTenant(database.orm, 'tenant-b', { externalPrefix: 'MLM-B' });

    core = new ApolloServer({
      logger: testLogger(),
      schema: buildSubgraphSchema({
        typeDefs: parse(CORE_SDL),
        resolvers: {
          Query: { product: (_root: unknown, args: { sku: string }) => CORE_PRODUCTS.get(args.sku) ?? null },
          Product: { __resolveReference: (reference: { sku: string }) => CORE_PRODUCTS.get(reference.sku) ?? null },
        },
      }),
    });
    const { url: coreUrl } = await startStandaloneServer(core, { listen: { host: '127.0.0.1', port: 0 } });

    composition = composeServices([
      { name: 'core', url: coreUrl, typeDefs: parse(CORE_SDL) },
      { name: 'integrations', url: api.graphqlUrl, typeDefs: parse(await readFile(SCHEMA_FILE, 'utf8')) },
    ]);
    if (composition.errors) throw new Error(`Composition failed:\n${composition.errors.map((error) => error.message).join('\n')}`);

    gateway = new ApolloServer<GatewayContext>({
      gateway: new ApolloGateway({
        supergraphSdl: composition.supergraphSdl,
        logger: testLogger(),
        buildService: ({ url }) =>
          new RemoteGraphQLDataSource<GatewayContext>({
            url,
            willSendRequest({ request, context }) {
              if (context.authorization) request.http?.headers.set('authorization', context.authorization);
            },
          }),
      }),
    });
    ({ url: gatewayUrl } = await startStandaloneServer(gateway, {
      listen: { host: '127.0.0.1', port: 0 },
      context: async ({ req }) => ({ authorization: req.headers.authorization }),
    }));
  });

  afterAll(async () => {
    await gateway?.stop();
    await core?.stop();
    await api?.close();
    await database?.close();
  });

  it('composes with no errors', () => {
    expect(composition.errors).toBeUndefined();
    expect(composition.supergraphSdl).toMatch(/type Product[^{]*\{[^}]*listings: \[Listing!\]!/);
  });

  it("returns a product with only the token tenant's listings", async () => {
    const responseA = await postGraphQL<{ product: { name: string; listings: Array<{ marketplace: string; externalId: string; remoteStock: number }> } }, unknown>(
      gatewayUrl, PRODUCT_QUERY, { sku: 'SKU-0' }, { token: await api.token('tenant-a') },
    );
    expect(responseA.errors).toBeUndefined();
    expect(responseA.data?.product).toEqual({
      name: 'Tenis Runner Negro 26',
      listings: [{ marketplace: 'MERCADOLIBRE', externalId: 'MLM-A-0', remoteStock: 4 }],
    });

    const responseB = await postGraphQL<{ product: { listings: Array<{ externalId: string }> } }, unknown>(
      gatewayUrl, PRODUCT_QUERY, { sku: 'SKU-0' }, { token: await api.token('tenant-b') },
    );
    expect(responseB.data?.product.listings.map((listing) => listing.externalId)).toEqual(['MLM-B-0']);
    expect(JSON.stringify(responseA)).not.toContain(tenantB.listingIds[0]);
    expect(tenantA.skus).toContain('SKU-0');
  });

  it('fails the integrations part without a token', async () => {
    const response = await postGraphQL<{ product: { listings: unknown } | null }, unknown>(gatewayUrl, PRODUCT_QUERY, { sku: 'SKU-0' });
    expect(response.errors?.length).toBeGreaterThan(0);
    expect(JSON.stringify(response)).not.toContain('MLM-');
  });
});
