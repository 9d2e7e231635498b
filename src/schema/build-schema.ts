import 'reflect-metadata';
import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { parse, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { buildSchema, createResolversMap, type PubSub } from 'type-graphql';
// Imported in the order the types should appear in the printed schema.
import { ConnectionResolver } from './connections/connection.resolver.js';
import { ConnectionStatusFieldsResolver } from './connections/connection-fields.resolver.js';
import { ConnectionLifecycleResolver } from './connections/connection-lifecycle.resolver.js';
import { ConnectionStatusResolver } from './connections/connection-status.resolver.js';
import { ListingResolver } from './listings/listing.resolver.js';
import { SyncRunResolver } from './sync-runs/sync-run.resolver.js';
import { SyncConflictResolver } from './conflicts/conflict.resolver.js';
import { ProductListingsResolver, resolveProductReference } from './products/product.resolver.js';
import { SyncEventResolver } from './events/sync-event.resolver.js';
import { ApiUsageResolver } from './usage/api-usage.resolver.js';

/** Apollo Federation 2 directives this subgraph uses. */
const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])';

const RESOLVERS = [
  ConnectionResolver, ConnectionStatusFieldsResolver, ConnectionLifecycleResolver, ConnectionStatusResolver, ListingResolver, SyncRunResolver, SyncConflictResolver, ProductListingsResolver, SyncEventResolver,
  ApiUsageResolver,
] as const;

/**
 * type-graphql requires a PubSub whenever a schema has subscriptions, even when every subscription
 * brings its own `subscribe` function, as `syncEvents` does. This one is never called.
 */
const UNUSED_PUB_SUB: PubSub = {
  publish() {
    throw new Error('type-graphql PubSub is not used: subscriptions read from services.events.');
  },
  subscribe() {
    throw new Error('type-graphql PubSub is not used: subscriptions read from services.events.');
  },
};

/**
 * Builds the federation subgraph schema: type-graphql builds the types and resolvers, and
 * @apollo/subgraph adds `_service`, `_entities` and the Product reference resolver.
 */
export async function buildIntegrationsSchema(): Promise<GraphQLSchema> {
  const typeGraphQLSchema = await buildSchema({
    resolvers: RESOLVERS,
    validate: false,
    pubSub: UNUSED_PUB_SUB,
  });
  // type-graphql's map has the same shape as Apollo's; only the declared types differ.
  const resolvers = createResolversMap(typeGraphQLSchema) as unknown as GraphQLResolverMap<unknown>;
  resolvers.Product = { ...(resolvers.Product as Record<string, GraphQLFieldResolver<unknown, unknown>>), __resolveReference: resolveProductReference };
  return buildSubgraphSchema({
    typeDefs: parse(`${FEDERATION_LINK}\n\n${printSchemaWithDirectives(typeGraphQLSchema)}`),
    resolvers,
  });
}

/** Prints the subgraph SDL, as committed in src/schema/schema.graphql and composed by the router. */
export function printIntegrationsSdl(schema: GraphQLSchema): string {
  return `${printSubgraphSchema(schema).trimEnd()}\n`;
}
