import type { Server } from 'node:http';
import { GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { MikroORM } from '../database/orm.js';
import { negotiateLocale, type Locale } from '../i18n/index.js';
import { depthLimitRule } from '../schema/common/depth-limit.js';
import { formatPublicError } from '../schema/common/format-error.js';
import { createGraphQLContext } from '../schema/context.js';
import type { AuthContext, TokenVerifier } from '../security/jwt.js';
import type { Services } from '../services.js';
import { readConnectionParams } from './authenticate.js';
import { GRAPHQL_PATH } from './graphql-http.js';

export interface GraphQLWebSocketOptions {
  httpServer: Server;
  schema: GraphQLSchema;
  orm: MikroORM;
  services: Services;
  auth: TokenVerifier;
  logger: Logger;
  exposeStackTraces: boolean;
}

/** Caller and locale of one socket, set at `connection_init` and used by its operations. */
interface SocketState extends Record<PropertyKey, unknown> {
  auth: AuthContext;
  locale: Locale;
}

const VALIDATION_RULES = [...specifiedRules, depthLimitRule()];

/**
 * Serves the graphql-transport-ws protocol on /graphql of the same HTTP server. The token is
 * checked once, at `connection_init`; a bad one closes the socket with 4401 Unauthorized. Returns
 * a function that closes every socket (1001 Going away) and the WebSocket server.
 */
export function attachGraphQLWebSocket(options: GraphQLWebSocketOptions): { dispose(): Promise<void> } {
  const logger = options.logger.child({ module: 'graphql-ws' });
  const webSocketServer = new WebSocketServer({ server: options.httpServer, path: GRAPHQL_PATH });
  const formatOptions = (locale: Locale, requestError: boolean) => ({
    locale, logger, exposeStackTraces: options.exposeStackTraces, requestError,
  });

  const server = useServer<Record<string, unknown> | undefined, SocketState>(
    {
      schema: options.schema,
      onConnect: async (context) => {
        const params = readConnectionParams(context.connectionParams);
        const result = await params.verify(options.auth);
        if (!result.ok) {
          logger.debug({ reason: result.reason, detail: result.detail }, 'WebSocket connection rejected: bad or missing token');
          // Closing here sets the code; graphql-ws's own close after `false` is then ignored by ws.
          context.extra.socket.close(CloseCode.Unauthorized, 'Unauthorized');
          return false;
        }
        context.extra.auth = result.auth;
        context.extra.locale = negotiateLocale(params.locale ?? context.extra.request.headers['accept-language']);
        return true;
      },
      // Parses and validates here (graphql-ws would let a syntax error close the socket) and builds
      // one context per operation.
      onSubscribe: (context, _id, payload) => {
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        const errors = validate(options.schema, document, VALIDATION_RULES);
        if (errors.length > 0) return errors;
        const { auth, locale } = context.extra;
        if (!auth || !locale) throw new Error('graphql-ws subscribed before connection_init was acknowledged');
        return {
          schema: options.schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: createGraphQLContext({ orm: options.orm, services: options.services, auth, locale, logger }),
        };
      },
      onError: (context, _id, _payload, errors): GraphQLFormattedError[] =>
        errors.map((error) => formatPublicError(error, formatOptions(context.extra.locale ?? negotiateLocale(undefined), true))),
      onNext: (context, _id, _payload, _args, result) => {
        if (!result.errors) return undefined;
        // Errors without data come from coercing variables or starting the subscription.
        const requestError = result.data === undefined;
        const locale = context.extra.locale ?? negotiateLocale(undefined);
        return { ...result, errors: result.errors.map((error) => formatPublicError(error, formatOptions(locale, requestError))) };
      },
    },
    webSocketServer,
  );
  return {
    async dispose() {
      await server.dispose();
    },
  };
}
