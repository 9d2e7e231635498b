import { execute, getOperationAST, getVariableValues, GraphQLError, parse, validate, type DocumentNode, type ExecutionResult } from 'graphql';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { SandboxContext } from '../context.js';
import { INVALID_TOKEN_BODY, NOT_FOUND_BODY } from '../errors.js';
import { SINGLE_QUERY_MAX_COST, type ThrottleStatus } from '../throttle.js';
import { actualCost, requestedCost } from './cost.js';
import type { GraphqlContext } from './request-context.js';
import { createRoot } from './root.js';
import { resolveApiVersion } from './versions.js';

const requestSchema = z.object({
  query: z.string().min(1),
  variables: z.record(z.string(), z.unknown()).nullish(),
  operationName: z.string().nullish(),
});

interface Cost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

/** Runs a checked document in a request context; also used by bulk operations. */
export function runDocument(context: GraphqlContext, document: DocumentNode, variables?: Record<string, unknown>, operationName?: string): Promise<ExecutionResult> {
  return Promise.resolve(
    execute({ schema: context.sandbox.schema, document, rootValue: createRoot(context), contextValue: context, variableValues: variables, operationName }),
  );
}

/**
 * Registers POST /shops/{shop}/admin/api/{version}/graphql.json. The shop, version, access token
 * (401 in Shopify's REST shape) and body are checked first. Then the query is parsed and
 * validated, and its requested cost is checked against the single query limit and the app's
 * bucket (THROTTLED with HTTP 200). After execution, requested minus actual cost is refunded.
 * Every GraphQL response carries `extensions.cost`.
 */
export function registerGraphqlRoute(app: FastifyInstance, context: SandboxContext): void {
  app.post<{ Params: { shop: string; version: string } }>('/shops/:shop/admin/api/:version/graphql.json', async (request, reply) => {
    const shop = context.store.shops.get(request.params.shop);
    const apiVersion = resolveApiVersion(request.params.version);
    if (!shop || apiVersion === undefined) return reply.code(404).send(NOT_FOUND_BODY);
    void reply.header('x-shopify-api-version', apiVersion);

    const now = Date.now();
    const tokenHeader = request.headers['x-shopify-access-token'];
    const token = typeof tokenHeader === 'string' ? context.credentials.resolveAccessToken(tokenHeader, shop.domain, now) : undefined;
    if (!token) return reply.code(401).send(INVALID_TOKEN_BODY);

    const body = requestSchema.safeParse(request.body);
    if (!body.success) return reply.code(400).send({ errors: { query: 'Required parameter missing or invalid' } });

    const bucketKey = `${token.clientId}|${shop.domain}`;
    const cost = (requested: number, actual: number | null): Cost => ({
      requestedQueryCost: requested,
      actualQueryCost: actual,
      throttleStatus: context.buckets.status(bucketKey, shop.plan, Date.now()),
    });
    const answer = (payload: Record<string, unknown>, requested: number, actual: number | null): FastifyReply =>
      reply.send({ ...payload, extensions: { cost: cost(requested, actual) } });

    let document: DocumentNode;
    try {
      document = parse(body.data.query);
    } catch (error) {
      return answer({ errors: [toJson(error)] }, 0, 0);
    }
    const validationErrors = validate(context.schema, document);
    const operation = getOperationAST(document, body.data.operationName ?? undefined);
    if (validationErrors.length > 0 || !operation) {
      const name = body.data.operationName;
      const missing = name ? `No operation named "${name}" in the document.` : 'The document has several operations; name the one to run with operationName.';
      const errors = validationErrors.length > 0 ? validationErrors : [new GraphQLError(missing)];
      return answer({ errors: errors.map(toJson) }, 0, 0);
    }
    const variables = body.data.variables ?? {};
    const coerced = getVariableValues(context.schema, operation.variableDefinitions ?? [], variables);
    if (coerced.errors) return answer({ errors: coerced.errors.map(toJson) }, 0, 0);

    const requested = requestedCost(context.schema, document, operation, coerced.coerced);
    if (requested > SINGLE_QUERY_MAX_COST) {
      const message = `Query cost is ${requested}, which exceeds the single query max cost limit (${SINGLE_QUERY_MAX_COST}). Ask for fewer objects per connection, or use a bulk operation.`;
      return answer({ errors: [{ message, extensions: { code: 'MAX_COST_EXCEEDED', cost: requested, maxCost: SINGLE_QUERY_MAX_COST } }] }, requested, null);
    }
    if (!context.buckets.tryTake(bucketKey, shop.plan, requested, now)) {
      context.logger.debug({ shopDomain: shop.domain, clientId: token.clientId, requested }, 'GraphQL request throttled');
      return answer({ errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }] }, requested, null);
    }

    const requestContext: GraphqlContext = {
      sandbox: context,
      shop,
      clientId: token.clientId,
      scopes: new Set(token.scopes),
      apiVersion,
      bulk: false,
      now: new Date(now),
    };
    const result = await runDocument(requestContext, document, variables, body.data.operationName ?? undefined);
    const actual = Math.min(requested, actualCost(context.schema, document, operation, coerced.coerced, result.data));
    context.buckets.refund(bucketKey, shop.plan, requested - actual, Date.now());
    const payload: Record<string, unknown> = { data: result.data ?? null };
    if (result.errors && result.errors.length > 0) payload.errors = result.errors.map(toJson);
    return answer(payload, requested, actual);
  });
}

function toJson(error: unknown): Record<string, unknown> {
  if (error instanceof GraphQLError) return error.toJSON() as unknown as Record<string, unknown>;
  return { message: error instanceof Error ? error.message : String(error) };
}
