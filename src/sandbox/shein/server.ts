import { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import formbody from '@fastify/formbody';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { authenticate } from './api-auth.js';
import { registerAuthTokenRoute } from './auth-token.js';
import type { SandboxContext } from './context.js';
import { registerEmpowerRoutes } from './empower.js';
import { errorBody, faultBody, sendError } from './errors.js';
import type { FaultInjector } from '../shared/faults.js';
import { registerOrderRoutes } from './orders.js';
import { registerProductRoutes } from './products.js';
import type { SpacingLimiter } from './rate-limit.js';
import type { RequestRecorder } from '../shared/recorder.js';
import { registerStockRoutes } from './stock.js';

const BODY_LIMIT_BYTES = 1024 * 1024;
const API_PREFIX = '/open-api/';

export interface SandboxControls {
  recorder: RequestRecorder;
  faults: FaultInjector;
  limiter: SpacingLimiter;
}

async function applyFault(controls: SandboxControls, request: FastifyRequest, reply: FastifyReply, path: string): Promise<boolean> {
  const rule = controls.faults.take(request.method, path);
  if (!rule) return false;
  if (rule.latencyMs !== undefined && rule.latencyMs > 0) await delay(rule.latencyMs);
  if (rule.status === undefined) return false;
  if (rule.headers) void reply.headers(rule.headers);
  void reply.code(rule.status).send(rule.body ?? faultBody(rule.status));
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

  // Order of checks: injected faults, then the gateway (signature, key, timestamp), then the rate limit.
  app.addHook('preHandler', async (request, reply) => {
    const record = controls.recorder.get(request);
    const path = record?.path ?? request.url.split('?')[0] ?? request.url;
    if (record) record.body = request.body;

    if (await applyFault(controls, request, reply, path)) return reply;
    if (!path.startsWith(API_PREFIX)) return undefined;

    const auth = authenticate(context, request, path);
    if (!auth.ok) {
      context.logger.info({ path, error: auth.error }, 'API request rejected by the signature check');
      return sendError(reply, auth.error, auth.detail);
    }
    context.callers.set(request, auth.caller);
    if (auth.caller.kind === 'seller' && !controls.limiter.tryAcquire(auth.caller.key.supplierId, Date.now())) {
      context.logger.debug({ supplierId: auth.caller.key.supplierId, path }, 'request rate limited');
      return sendError(reply, 'rateLimited');
    }
    return undefined;
  });

  // The status is recorded before the response is written, so a client that reads the record
  // right after its response arrives finds the final status there.
  app.addHook('onSend', async (request, reply) => {
    const record = controls.recorder.get(request);
    if (record) record.status = reply.statusCode;
  });
}

/** Builds the fastify app that serves the empower page and the SHEIN Open API. */
export function buildSandboxServer(context: SandboxContext, controls: SandboxControls): FastifyInstance {
  const loggerInstance: FastifyBaseLogger = context.logger;
  const app = Fastify({ loggerInstance, logController: new LogController({ disableRequestLogging: true }), bodyLimit: BODY_LIMIT_BYTES });
  void app.register(formbody);
  addHooks(app, context, controls);

  registerEmpowerRoutes(app, context);
  registerAuthTokenRoute(app, context);
  registerProductRoutes(app, context);
  registerStockRoutes(app, context);
  registerOrderRoutes(app, context);

  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    return sendError(reply, 'routeNotFound', `${request.method} ${path}`);
  });

  app.setErrorHandler(async (error, request, reply) => {
    const statusCode = typeof error === 'object' && error !== null && 'statusCode' in error ? error.statusCode : undefined;
    const status = typeof statusCode === 'number' && statusCode >= 400 && statusCode < 600 ? statusCode : 500;
    if (status >= 500) {
      context.logger.error({ err: error, method: request.method, url: request.url.split('?')[0] }, 'sandbox request failed');
      return reply.code(500).send(errorBody('internal'));
    }
    const message = error instanceof Error ? error.message : String(error);
    return reply.code(status).send({ ...errorBody('paramInvalid'), msg: message });
  });

  return app;
}
