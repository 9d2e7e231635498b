import { wrap } from '@mikro-orm/core';
import {
  buildClientSchema, buildSchema, getIntrospectionQuery, getNamedType, getNullableType, isEnumType, isInputObjectType, isInterfaceType,
  isLeafType, isListType, isNonNullType, isObjectType, isScalarType, isUnionType,
  type GraphQLArgument, type GraphQLField, type GraphQLInputType, type GraphQLNamedType, type GraphQLObjectType,
  type GraphQLSchema, type IntrospectionQuery,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantEntityManager } from '../../src/database/orm.js';
import { ENTITIES } from '../../src/entities/index.js';
import { startTestApi, type TestApi } from '../support/api-server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { expectData, postGraphQL, type GraphQLResponse } from '../support/graphql-client.js';
import { seedTenant, type SeededTenant } from '../support/seed-tenant.js';

/**
 * Walks every Query and Mutation field of the live schema, calls it as tenant A with tenant B's ids,
 * and checks that nothing of tenant B comes back or changes. A new field is covered automatically;
 * a new required argument the walker cannot fill fails the test and must be added here.
 */

/** GraphQL type an `<name>Id` argument refers to. */
const ID_ARGUMENT_TYPES: Record<string, string> = {
  connectionId: 'MarketplaceConnection',
  listingId: 'Listing',
  syncRunId: 'SyncRun',
  conflictId: 'SyncConflict',
  syncConflictId: 'SyncConflict',
};

/** Type an `id` argument refers to, for fields that return something other than that type. */
const ID_ARGUMENT_OWNERS: Record<string, string> = {
  disconnectMarketplace: 'MarketplaceConnection',
};

/**
 * Fields whose sample arguments cannot succeed (a made-up authorization state, keys of another
 * marketplace), with the error code they must fail with instead.
 */
const SAMPLE_INPUT_ERRORS: Record<string, string> = {
  'mutation.completeMarketplaceAuthorization': 'BAD_USER_INPUT',
  'mutation.connectWithApiKey': 'BAD_USER_INPUT',
};

interface BuiltOperation {
  text: string;
  variables: Record<string, unknown>;
  /** Whether the operation passes one of tenant B's ids, so NOT_FOUND is the expected error. */
  passesForeignId: boolean;
}

class UnfillableArgumentError extends Error {}

function operationFor(schema: GraphQLSchema, kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>, tenantB: SeededTenant): BuiltOperation {
  const idsByType: Record<string, string> = {
    MarketplaceConnection: tenantB.connectionId,
    Listing: tenantB.listingIds[0]!,
    SyncRun: tenantB.syncRunId,
    SyncConflict: tenantB.conflictId,
  };
  const variables: Record<string, unknown> = {};
  const declarations: string[] = [];
  const argumentsText: string[] = [];
  let passesForeignId = false;

  for (const argument of field.args) {
    const named = getNamedType(argument.type);
    let value: unknown;
    if (named.name === 'ID') {
      const typeName = argument.name === 'id' ? (ID_ARGUMENT_OWNERS[field.name] ?? getNamedType(field.type).name) : ID_ARGUMENT_TYPES[argument.name];
      const id = typeName ? idsByType[typeName] : undefined;
      if (!id) throw new UnfillableArgumentError(`${kind} ${field.name}(${argument.name}: ID): no tenant B id of a matching type; add the argument name to ID_ARGUMENT_TYPES`);
      value = isListType(getNullableType(argument.type)) ? [id] : id;
      passesForeignId = true;
    } else if (isNonNullType(argument.type) && argument.defaultValue === undefined) {
      value = sampleValue(argument.type, `${kind} ${field.name}(${argument.name})`, tenantB);
    } else {
      continue;
    }
    variables[argument.name] = value;
    declarations.push(`$${argument.name}: ${String(argument.type)}`);
    argumentsText.push(`${argument.name}: $${argument.name}`);
  }

  const selection = selectionFor(schema, getNamedType(field.type), 0);
  const text = `${kind} Walk${declarations.length ? `(${declarations.join(', ')})` : ''} { ${field.name}${argumentsText.length ? `(${argumentsText.join(', ')})` : ''} ${selection} }`;
  return { text, variables, passesForeignId };
}

/** Scalar leaves and one level of nested objects (their scalar leaves); fields with required arguments are left out. */
function selectionFor(schema: GraphQLSchema, type: GraphQLNamedType, depth: number): string {
  if (isLeafType(type)) return '';
  if (isUnionType(type) || isInterfaceType(type)) {
    const fragments = schema.getPossibleTypes(type).map((possible) => `... on ${possible.name} ${selectionFor(schema, possible, depth)}`);
    return `{ __typename ${fragments.join(' ')} }`;
  }
  const fields = Object.values((type as GraphQLObjectType).getFields()).filter((field) => !field.args.some(isRequiredArgument));
  const parts: string[] = ['__typename'];
  for (const field of fields) {
    const named = getNamedType(field.type);
    if (isLeafType(named)) parts.push(field.name);
    else if (depth === 0 && (isObjectType(named) || isUnionType(named) || isInterfaceType(named))) parts.push(`${field.name} ${selectionFor(schema, named, depth + 1)}`);
  }
  return `{ ${parts.join(' ')} }`;
}

function isRequiredArgument(argument: GraphQLArgument): boolean {
  return isNonNullType(argument.type) && argument.defaultValue === undefined;
}

function sampleValue(type: GraphQLInputType, where: string, tenantB: SeededTenant): unknown {
  const nullable = getNullableType(type);
  if (isListType(nullable)) return [sampleValue(nullable.ofType, where, tenantB)];
  if (isEnumType(nullable)) return nullable.getValues()[0]!.value;
  if (isInputObjectType(nullable)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(nullable.getFields())) {
      if (isNonNullType(field.type) && field.defaultValue === undefined) value[field.name] = sampleValue(field.type, `${where}.${field.name}`, tenantB);
    }
    return value;
  }
  if (isScalarType(nullable)) {
    switch (nullable.name) {
      case 'String': return 'sample';
      case 'Int': return 10;
      case 'Float': return 1.5;
      case 'Boolean': return true;
      // Federation entity representations: tenant B's SKU (tenant A has the same SKU, so only its own listings may come back).
      case '_Any': return { __typename: 'Product', sku: tenantB.skus[0] };
      case 'DateTimeISO': return new Date().toISOString();
      case 'JSON': return { sample: true };
    }
  }
  throw new UnfillableArgumentError(`${where}: cannot build a sample value of type ${String(type)}; add one to sampleValue in this test`);
}

async function snapshotTenant(database: TestDatabase, tenantId: string): Promise<Record<string, unknown[]>> {
  const em = tenantEntityManager(database.orm, tenantId);
  const snapshot: Record<string, unknown[]> = {};
  for (const entity of ENTITIES) {
    const rows = await em.find(entity, {}, { orderBy: { id: 'asc' } });
    snapshot[entity.name] = rows.map((row) => wrap(row).toObject());
  }
  return snapshot;
}

describe('tenant isolation across the whole schema', () => {
  let database: TestDatabase;
  let api: TestApi;
  let tenantB: SeededTenant;
  let schema: GraphQLSchema;
  let tokenA: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    api = await startTestApi(database);
    await seedTenant(database.orm, 'tenant-a', { externalPrefix: 'MLM-A' });
    tenantB = await seedTenant(database.orm, 'tenant-b', { externalPrefix: 'MLM-B' });
    tokenA = await api.token('tenant-a');
    const introspection = await postGraphQL<IntrospectionQuery, unknown>(api.graphqlUrl, getIntrospectionQuery(), {}, { token: tokenA });
    schema = buildClientSchema(expectData(introspection));
  });

  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it('never returns or changes tenant B data', async () => {
    const before = await snapshotTenant(database, 'tenant-b');
    const foreignValues = [tenantB.connectionId, tenantB.syncRunId, tenantB.conflictId, ...tenantB.listingIds, ...tenantB.externalIds];
    const roots = [
      ['query', schema.getQueryType()],
      ['mutation', schema.getMutationType()],
    ] as const;
    const walked: string[] = [];

    for (const [kind, root] of roots) {
      for (const field of Object.values(root!.getFields())) {
        const operation = operationFor(schema, kind, field, tenantB);
        const response: GraphQLResponse<Record<string, unknown>> = await postGraphQL(api.graphqlUrl, operation.text, operation.variables, { token: tokenA });
        const label = `${kind} ${field.name}: ${operation.text}\n${JSON.stringify(response)}`;
        walked.push(`${kind}.${field.name}`);

        const sampleInputError = SAMPLE_INPUT_ERRORS[`${kind}.${field.name}`];
        if (operation.passesForeignId) {
          expect(response.errors?.map((error) => error.extensions?.code), label).toEqual(['NOT_FOUND']);
        } else if (sampleInputError) {
          expect(response.errors?.map((error) => error.extensions?.code), label).toEqual([sampleInputError]);
        } else {
          expect(response.errors, label).toBeUndefined();
        }
        // Error messages may repeat the ids the caller sent; everything else must not mention tenant B.
        const sent = JSON.stringify(operation.variables);
        const returned = JSON.stringify({ data: response.data, codes: response.errors?.map((error) => error.extensions) });
        const messages = JSON.stringify(response.errors?.map((error) => error.message) ?? []);
        for (const value of foreignValues) {
          expect(returned.includes(value), `${label}\nreturned tenant B value ${value}`).toBe(false);
          if (!sent.includes(value)) expect(messages.includes(value), `${label}\nerror message names tenant B value ${value}`).toBe(false);
        }
      }
    }

    expect(walked).toEqual(expect.arrayContaining([
      'query.connections', 'query.connection', 'query.listings', 'query.listing', 'query.syncRuns', 'query.syncRun',
      'query.syncConflicts', 'query._entities', 'mutation.startMarketplaceAuthorization', 'mutation.startSync',
      'mutation.completeMarketplaceAuthorization', 'mutation.connectWithApiKey', 'mutation.disconnectMarketplace', 'mutation.refreshConnection',
    ]));
    expect(await snapshotTenant(database, 'tenant-b')).toEqual(before);
  });

  it('finds no listings when filtering by tenant B connection', async () => {
    const query = 'query ($connectionId: ID) { listings(filter: { connectionId: $connectionId }) { totalCount nodes { id } } }';
    const response = await postGraphQL<{ listings: { totalCount: number; nodes: unknown[] } }, unknown>(
      api.graphqlUrl, query, { connectionId: tenantB.connectionId }, { token: tokenA },
    );
    expect(expectData(response).listings).toEqual({ totalCount: 0, nodes: [] });
  });

  it.each([
    ['connection', '{ connection(id: "4f7c2a8e-1b2d-4c3e-9f00-0a1b2c3d4e5f") { id } }', 'No existe la conexión de marketplace 4f7c2a8e-1b2d-4c3e-9f00-0a1b2c3d4e5f.'],
    ['listing', '{ listing(id: "4f7c2a8e-1b2d-4c3e-9f00-0a1b2c3d4e5f") { id } }', 'No existe la publicación 4f7c2a8e-1b2d-4c3e-9f00-0a1b2c3d4e5f.'],
    ['syncRun', '{ syncRun(id: "4f7c2a8e-1b2d-4c3e-9f00-0a1b2c3d4e5f") { id } }', 'No existe la ejecución de sincronización 4f7c2a8e-1b2d-4c3e-9f00-0a1b2c3d4e5f.'],
  ])('answers NOT_FOUND for an unknown %s id', async (_name, query, message) => {
    const response = await postGraphQL(api.graphqlUrl, query, {}, { token: tokenA });
    expect(response.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(response.errors?.[0]?.message).toBe(message);
  });

  it('fails clearly when a required argument cannot be filled', () => {
    const future = buildSchema('scalar DateRange type Query { sales(range: DateRange!): Int widget(widgetId: ID!): Int }');
    const fields = future.getQueryType()!.getFields();
    expect(() => operationFor(future, 'query', fields.sales!, tenantB)).toThrow('query sales(range): cannot build a sample value of type DateRange!');
    expect(() => operationFor(future, 'query', fields.widget!, tenantB)).toThrow('query widget(widgetId: ID): no tenant B id of a matching type');
  });
});
