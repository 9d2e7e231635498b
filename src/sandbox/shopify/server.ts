import { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import formbody from '@fastify/formbody';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { registerApiPermissionsRoute } from './api-permissions.js';
import type { SandboxContext } from './context.js';
import { NOT_FOUND_BODY } from './errors.js';
import type { FaultInjector } from '../shared/faults.js';
import { registerGraphqlRoute } from './graphql/endpoint.js';
import { registerAuthorizeRoutes } from './oauth.js';
import { registerTokenRoute } from './oauth-token.js';
import type { RequestRecorder } from '../shared/recorder.js';

const BODY_LIMIT_BYTES = 1024 * 1024;

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
  const body = rule.body ?? (rule.status >= 500 ? { errors: 'Internal Server Error' } : { errors: `Fault injected by the sandbox: status ${rule.status}` });
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
      if (size > BODY_LIMIT_BYTES) throw Object.assign(new Error(`Request body is larger than ${BODY_LIMIT_BYTES} bytes.`), { statusCode: 413 });
      chunks.push(buffer);
    }
    const raw = Buffer.concat(chunks);
    const record = controls.recorder.get(request);
    if (record) record.rawBody = raw.toString('utf8');
    return Readable.from([raw], { objectMode: false });
  });

  app.addHook('preHandler', async (request, reply) => {
    const record = controls.recorder.get(request);
    if (record) {
      record.body = request.body;
      const token = request.headers['x-shopify-access-token'];
      record.appClientId = typeof token === 'string' ? context.credentials.clientIdOfToken(token) : undefined;
    }
    if (await applyFault(controls, request, reply, record?.path ?? request.url)) return reply;
    return undefined;
  });

  // The status is recorded before the response is written, so a client reading the record right
  // after its response arrives finds the final status there.
  app.addHook('onSend', async (request, reply) => {
    const record = controls.recorder.get(request);
    if (record) record.status = reply.statusCode;
  });

  app.addHook('onResponse', async (request, reply) => {
    const record = controls.recorder.get(request);
    context.logger.debug({ method: request.method, path: record?.path, status: reply.statusCode }, 'sandbox request handled');
  });
}

/** Builds the fastify app that serves every shop's OAuth, Admin GraphQL and app uninstall endpoints and bulk results. */
export function buildSandboxServer(context: SandboxContext, controls: SandboxControls): FastifyInstance {
  const loggerInstance: FastifyBaseLogger = context.logger;
  // fastify's own request lines are off: they would log OAuth codes in query strings.
  const app = Fastify({ loggerInstance, logController: new LogController({ disableRequestLogging: true }), bodyLimit: BODY_LIMIT_BYTES });
  void app.register(formbody);
  addHooks(app, context, controls);

  registerAuthorizeRoutes(app, context);
  registerTokenRoute(app, context);
  registerGraphqlRoute(app, context);
  registerApiPermissionsRoute(app, context);
  app.get<{ Params: { file: string } }>('/bulk-results/:file', async (request, reply) => {
    const token = /^([0-9a-f]{32})\.jsonl$/.exec(request.params.file)?.[1];
    const text = token === undefined ? undefined : context.bulk.file(token);
    if (text === undefined) return reply.code(404).type('text/plain').send('Not Found');
    return reply.type('application/jsonl').send(text);
  });

  app.setNotFoundHandler(async (_request, reply) => reply.code(404).send(NOT_FOUND_BODY));
  app.setErrorHandler(async (error, request, reply) => {
    const statusCode = typeof error === 'object' && error !== null && 'statusCode' in error ? error.statusCode : undefined;
    const status = typeof statusCode === 'number' && statusCode >= 400 && statusCode < 600 ? statusCode : 500;
    if (status >= 500) {
      context.logger.error({ err: error, method: request.method, url: request.url.split('?')[0] }, 'sandbox request failed');
      return reply.code(500).send({ errors: 'Internal Server Error' });
    }
    return reply.code(status).send({ errors: error instanceof Error ? error.message : String(error) });
  });
  return app;
}
