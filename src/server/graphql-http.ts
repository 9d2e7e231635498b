import { ApolloServer } from '@apollo/server';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import type { FastifyInstance } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { MikroORM } from '../database/orm.js';
import { negotiateLocale } from '../i18n/index.js';
import { currentLocale, runWithLocale } from '../i18n/locale-scope.js';
import { createGraphQLContext, type GraphQLContext } from '../schema/context.js';
import { depthLimitRule } from '../schema/common/depth-limit.js';
import { formatPublicError } from '../schema/common/format-error.js';
import type { TokenVerifier } from '../security/jwt.js';
import type { Services } from '../services.js';
import { unauthenticatedError } from './authenticate.js';

export const GRAPHQL_PATH = '/graphql';

export interface GraphQLHttpOptions {
  schema: GraphQLSchema;
  orm: MikroORM;
  services: Services;
  auth: TokenVerifier;
  logger: Logger;
  exposeStackTraces: boolean;
}

/** Creates and starts the Apollo server; stop it with `apollo.stop()`. */
export async function startApolloServer(options: GraphQLHttpOptions): Promise<ApolloServer<GraphQLContext>> {
  const logger = options.logger.child({ module: 'graphql' });
  const apollo = new ApolloServer<GraphQLContext>({
    schema: options.schema,
    logger,
    // Requests carry the tenant's JWT, so introspection is open only to authenticated callers.
    introspection: true,
    validationRules: [depthLimitRule()],
    // formatPublicError adds stack traces itself, only when exposeStackTraces is set.
    includeStacktraceInErrorResponses: false,
    formatError: (_formatted, error) =>
      formatPublicError(error, { locale: currentLocale(), logger, exposeStackTraces: options.exposeStackTraces }),
  });
  await apollo.start();
  return apollo;
}

/**
 * Serves GET and POST /graphql. Every request needs a valid Bearer token; the context gives
 * resolvers an entity manager scoped to the token's tenant. The handler runs inside the request's
 * locale scope because Apollo's formatError receives no context.
 */
export function registerGraphQLRoute(app: FastifyInstance, apollo: ApolloServer<GraphQLContext>, options: GraphQLHttpOptions): void {
  const logger = options.logger.child({ module: 'graphql' });
  const handler = fastifyApolloHandler(apollo, {
    context: async (request) => {
      const result = await options.auth.verifyAuthorization(request.headers.authorization);
      if (!result.ok) {
        logger.debug({ reason: result.reason, detail: result.detail }, 'GraphQL request rejected: bad or missing token');
        throw unauthenticatedError(result);
      }
      return createGraphQLContext({
        orm: options.orm,
        services: options.services,
        auth: result.auth,
        locale: currentLocale(),
        logger,
      });
    },
  });
  app.route<{ Reply: string }>({
    method: ['GET', 'POST'],
    url: GRAPHQL_PATH,
    handler(request, reply) {
      const locale = negotiateLocale(request.headers['accept-language']);
      return runWithLocale(locale, () => handler.call(this, request, reply));
    },
  });
}
