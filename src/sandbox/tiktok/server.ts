import { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import formbody from '@fastify/formbody';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { SandboxContext } from './context.js';
import { CODES, tiktokError } from './errors.js';
import type { FaultInjector } from '../shared/faults.js';
import { registerInventoryRoute } from './inventory.js';
import { registerAuthorizationRoutes } from './oauth.js';
import { registerOrderRoutes } from './orders.js';
import { registerProductRoutes } from './products.js';
import type { RequestRecorder } from '../shared/recorder.js';
import { registerShopRoutes } from './shops.js';
import { registerTokenRoutes } from './token-routes.js';

const BODY_LIMIT_BYTES = 1024 * 1024;
/** Code in the sandbox's own 5xx bodies (injected faults, internal errors); not a TikTok code. */
const INJECTED_FAULT_CODE = 36009999;

export interface SandboxControls {
  recorder: RequestRecorder;
  faults: FaultInjector;
}

async function applyFault(controls: SandboxControls, request: FastifyRequest, reply: FastifyReply, path: string): Promise<boolean> {
  const rule = controls.faults.take(request.method, path);
  if (!rule) return false;
  if (rule.latencyMs !== undefined && rule.latencyMs > 0) await delay(rule.latencyMs);
  if (rule.status === undefined) return false;
  if (rule.headers) void reply.headers(rule.headers);
  const code = rule.status === 429 ? CODES.tooManyRequests : INJECTED_FAULT_CODE;
  void reply.code(rule.status).send(rule.body ?? tiktokError(code, `Fault injected by the sandbox: status ${rule.status}`));
  return true;
}

function addHooks(app: FastifyInstance, context: SandboxContext, controls: SandboxControls): void {
  app.addHook('onRequest', async (request) => {
    controls.recorder.start(request);
  });

  // Keeps the raw body for signature checks and the recorder, then hands the same bytes to the parsers.
  app.addHook('preParsing', async (request, _reply, payload) => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of payload) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      size += buffer.length;
      if (size > BODY_LIMIT_BYTES) throw Object.assign(new Error(`Request body is larger than ${BODY_LIMIT_BYTES} bytes.`), { statusCode: 413 });
      chunks.push(buffer);
    }
    const raw = Buffer.concat(chunks);
    const text = raw.toString('utf8');
    context.rawBodies.set(request, text);
    const record = controls.recorder.get(request);
    if (record) record.rawBody = text;
    return Readable.from([raw], { objectMode: false });
  });

  app.addHook('preHandler', async (request, reply) => {
    const record = controls.recorder.get(request);
    if (record) record.body = request.body;
    if (await applyFault(controls, request, reply, record?.path ?? request.url.split('?')[0] ?? request.url)) return reply;
    return undefined;
  });

  // The status is recorded before the response is written, so a client reading the record right
  // after its response arrives finds the final status.
  app.addHook('onSend', async (request, reply) => {
    const record = controls.recorder.get(request);
    if (record) record.status = reply.statusCode;
  });

  app.addHook('onResponse', async (request, reply) => {
    // The path only: the token endpoints carry the app secret in the query string.
    context.logger.debug({ method: request.method, path: request.url.split('?')[0], status: reply.statusCode }, 'sandbox request handled');
  });
}

/** Builds the fastify app that serves the authorization page, the token host and the API host. */
export function buildSandboxServer(context: SandboxContext, controls: SandboxControls): FastifyInstance {
  const loggerInstance: FastifyBaseLogger = context.logger;
  // fastify's per-request lines are off because they would log the query string, app secret included.
  const app = Fastify({ loggerInstance, logController: new LogController({ disableRequestLogging: true }), bodyLimit: BODY_LIMIT_BYTES });
  void app.register(formbody);
  addHooks(app, context, controls);

  registerAuthorizationRoutes(app, context);
  registerTokenRoutes(app, context);
  registerShopRoutes(app, context);
  registerProductRoutes(app, context);
  registerInventoryRoute(app, context);
  registerOrderRoutes(app, context);

  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    return reply.code(404).send(tiktokError(CODES.invalidPath, `Invalid path. ${request.method} ${path} does not match any available endpoint.`));
  });

  app.setErrorHandler(async (error, request, reply) => {
    const statusCode = typeof error === 'object' && error !== null && 'statusCode' in error ? error.statusCode : undefined;
    const status = typeof statusCode === 'number' && statusCode >= 400 && statusCode < 600 ? statusCode : 500;
    if (status >= 500) {
      context.logger.error({ err: error, method: request.method, path: request.url.split('?')[0] }, 'sandbox request failed');
      return reply.code(500).send(tiktokError(INJECTED_FAULT_CODE, 'Internal sandbox error; the sandbox log has the details.'));
    }
    const message = error instanceof Error ? error.message : String(error);
    return reply.code(status).send(tiktokError(CODES.invalidFormat, `Invalid request format: ${message}`));
  });

  return app;
}
