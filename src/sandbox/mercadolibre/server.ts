import { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import formbody from '@fastify/formbody';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { bearerToken } from './api-auth.js';
import { stringField, type SandboxContext } from './context.js';
import { errorNameFor, mlError, RATE_LIMITED_BODY } from './errors.js';
import type { FaultInjector } from '../shared/faults.js';
import { registerItemSearchRoute } from './items-search.js';
import { registerItemRoutes } from './items.js';
import { registerTokenRoute } from './oauth-token.js';
import { registerAuthorizationRoutes } from './oauth.js';
import { registerOrderRoutes } from './orders.js';
import type { RateLimiter } from './rate-limit.js';
import type { RequestRecorder } from '../shared/recorder.js';
import { registerUserRoutes } from './users.js';

const BODY_LIMIT_BYTES = 1024 * 1024;

export interface SandboxControls {
  recorder: RequestRecorder;
  faults: FaultInjector;
  rateLimiter: RateLimiter;
}

/** Attributes a request to an application: the client id of its access token, or of the token-endpoint form. */
function attributeClientId(context: SandboxContext, request: FastifyRequest): string | undefined {
  const token = bearerToken(request);
  if (token !== undefined) return context.credentials.clientIdOfToken(token);
  if (request.routeOptions.url === '/oauth/token') return stringField(request.body, 'client_id');
  return undefined;
}

async function applyFault(controls: SandboxControls, request: FastifyRequest, reply: FastifyReply, path: string): Promise<boolean> {
  const rule = controls.faults.take(request.method, path);
  if (!rule) return false;
  if (rule.latencyMs !== undefined && rule.latencyMs > 0) await delay(rule.latencyMs);
  if (rule.status === undefined) return false;

  if (rule.headers) void reply.headers(rule.headers);
  const body = rule.body ?? mlError(rule.status, errorNameFor(rule.status), `Fault injected by the sandbox: status ${rule.status}`);
  void reply.code(rule.status).send(body);
  return true;
}

function addHooks(app: FastifyInstance, context: SandboxContext, controls: SandboxControls): void {
  app.addHook('onRequest', async (request) => {
    controls.recorder.start(request);
  });

  // Reads the raw body for the recorder, then hands the same bytes on to the content-type parsers.
  app.addHook('preParsing', async (request, _reply, payload) => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of payload) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      size += buffer.length;
      if (size > BODY_LIMIT_BYTES) {
        throw Object.assign(new Error(`Request body is larger than ${BODY_LIMIT_BYTES} bytes.`), { statusCode: 413 });
      }
      chunks.push(buffer);
    }
    const raw = Buffer.concat(chunks);
    const record = controls.recorder.get(request);
    if (record) record.rawBody = raw.toString('utf8');
    return Readable.from([raw], { objectMode: false });
  });

  app.addHook('preHandler', async (request, reply) => {
    const record = controls.recorder.get(request);
    const clientId = attributeClientId(context, request);
    if (record) {
      record.body = request.body;
      record.appClientId = clientId;
    }

    if (await applyFault(controls, request, reply, record?.path ?? request.url)) return reply;

    if (clientId !== undefined && !controls.rateLimiter.tryAcquire(clientId, Date.now())) {
      context.logger.debug({ clientId, method: request.method, path: record?.path }, 'request rate limited');
      return reply.code(429).header('retry-after', '1').send(RATE_LIMITED_BODY);
    }
    return undefined;
  });

  // The status is recorded before the response is written, so a client that reads the record
  // right after its response arrives finds the final status there.
  app.addHook('onSend', async (request, reply) => {
    const record = controls.recorder.get(request);
    if (record) record.status = reply.statusCode;
  });

  app.addHook('onResponse', async (request, reply) => {
    const record = controls.recorder.get(request);
    context.logger.debug({ method: request.method, path: record?.path, status: reply.statusCode }, 'sandbox request handled');
  });
}

/** Builds the fastify app that serves both the auth host and the API host of MercadoLibre. */
export function buildSandboxServer(context: SandboxContext, controls: SandboxControls): FastifyInstance {
  // Widening to fastify's logger type keeps the instance type the route modules expect.
  const loggerInstance: FastifyBaseLogger = context.logger;
  // fastify's per-request lines are off because the onResponse hook logs each request without its query string.
  const app = Fastify({
    loggerInstance,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
  });
  void app.register(formbody);
  addHooks(app, context, controls);

  registerAuthorizationRoutes(app, context);
  registerTokenRoute(app, context);
  registerUserRoutes(app, context);
  registerItemSearchRoute(app, context);
  registerItemRoutes(app, context);
  registerOrderRoutes(app, context);

  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    return reply.code(404).send(mlError(404, 'not_found', `Resource ${request.method} ${path} not found`));
  });

  app.setErrorHandler(async (error, request, reply) => {
    const statusCode = typeof error === 'object' && error !== null && 'statusCode' in error ? error.statusCode : undefined;
    const status = typeof statusCode === 'number' && statusCode >= 400 && statusCode < 600 ? statusCode : 500;
    if (status >= 500) {
      context.logger.error({ err: error, method: request.method, url: request.url.split('?')[0] }, 'sandbox request failed');
      return reply.code(500).send(mlError(500, 'internal_error', 'Internal sandbox error; the sandbox log has the details.'));
    }
    const message = error instanceof Error ? error.message : String(error);
    return reply.code(status).send(mlError(status, errorNameFor(status), message));
  });

  return app;
}
