import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import type { MikroORM } from '../database/orm.js';
import { buildIntegrationsSchema } from '../schema/build-schema.js';
import type { TokenVerifier } from '../security/jwt.js';
import type { Services } from '../services.js';
import { GRAPHQL_PATH, registerGraphQLRoute, startApolloServer } from './graphql-http.js';
import { attachGraphQLWebSocket } from './graphql-ws.js';
import { registerHealthRoute } from './health.js';
import { keepRawBodies } from './raw-body.js';
import { PathOnlyLogController } from './request-log.js';

export interface HttpServerOptions {
  orm: MikroORM;
  services: Services;
  auth: TokenVerifier;
  logger: Logger;
  config: {
    host: string;
    /** 0 picks a free port. */
    port: number;
    /** Base URL clients use (behind a proxy); defaults to the address the server listens on. */
    publicUrl?: string;
    /** Adds stack traces to GraphQL errors. Development only: they reveal code paths. */
    exposeStackTraces?: boolean;
  };
  /** Extra routes on the same app (webhooks, OAuth callbacks); they see `request.rawBody`. */
  routes?: FastifyPluginAsync[];
}

export interface HttpServer {
  app: FastifyInstance;
  url: string;
  graphqlUrl: string;
  wsUrl: string;
  /** Closes WebSocket connections, then the HTTP server (in-flight requests finish), then Apollo. */
  close(): Promise<void>;
}

/**
 * Starts the API process's HTTP server: POST/GET /graphql (Apollo Server), graphql-ws on the same
 * path, GET /health and the given routes.
 */
export async function createHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { config } = options;
  const schema = await buildIntegrationsSchema();
  const loggerInstance: FastifyBaseLogger = options.logger.child({ module: 'http' });
  const app: FastifyInstance = Fastify({ loggerInstance, logController: new PathOnlyLogController() });
  keepRawBodies(app);
  registerHealthRoute(app, options.orm);

  const graphqlOptions = {
    schema,
    orm: options.orm,
    services: options.services,
    auth: options.auth,
    logger: options.logger,
    exposeStackTraces: config.exposeStackTraces ?? false,
  };
  const apollo = await startApolloServer(graphqlOptions);
  registerGraphQLRoute(app, apollo, graphqlOptions);
  for (const routes of options.routes ?? []) await app.register(routes);

  const webSockets = attachGraphQLWebSocket({ ...graphqlOptions, httpServer: app.server });
  // Open sockets would keep the HTTP server from closing, so they go first; Apollo stops last.
  app.addHook('preClose', async () => webSockets.dispose());
  app.addHook('onClose', async () => apollo.stop());

  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await app.close();
    throw error;
  }
  const url = (config.publicUrl ?? listeningUrl(app.server.address() as AddressInfo)).replace(/\/+$/, '');
  const graphqlUrl = `${url}${GRAPHQL_PATH}`;
  return {
    app,
    url,
    graphqlUrl,
    wsUrl: graphqlUrl.replace(/^http/, 'ws'),
    close: () => app.close(),
  };
}

/** Base URL of the listening socket; a wildcard address is shown as the loopback address. */
function listeningUrl(address: AddressInfo): string {
  let host = address.address;
  if (host === '0.0.0.0') host = '127.0.0.1';
  if (host === '::') host = '::1';
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}
