import type { FastifyPluginAsync } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpServer } from '../../src/server/http-server.js';
import { createJwtVerifier } from '../../src/security/jwt.js';
import { createDevelopmentToken } from '../../src/commands/dev-token.js';
import { ConnectionsDocument } from '../generated/graphql.js';
import { startTestApi, type TestApi } from '../support/api-server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { postGraphQL } from '../support/graphql-client.js';
import { captureResponsesFrom } from '../support/capture.js';
import { testLogger } from '../support/logger.js';
import { recordSecret } from '../support/secret-ledger.js';

const SECRET = 'http-server-test-secret-0123456789abcdef';
recordSecret('JWT secret', SECRET);

describe('HTTP server', () => {
  let database: TestDatabase;
  let api: TestApi;
  let server: HttpServer;
  const received: Array<{ rawBody: string | undefined; body: unknown }> = [];

  const echoRoutes: FastifyPluginAsync = async (app) => {
    app.post('/webhooks/echo', async (request) => {
      received.push({ rawBody: request.rawBody, body: request.body });
      return { ok: true };
    });
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    // The runtime provides the real services; this test's own server adds the echo route.
    api = await startTestApi(database);
    const logger = testLogger();
    server = await createHttpServer({
      orm: api.runtime.orm,
      services: api.services,
      auth: createJwtVerifier({ secret: SECRET }),
      logger,
      config: { host: '127.0.0.1', port: 0 },
      routes: [echoRoutes],
    });
    captureResponsesFrom(server.url);
  });

  afterAll(async () => {
    await server?.close();
    await api?.close();
    await database?.close();
  });

  it('reports health with a database ping', async () => {
    const response = await fetch(`${server.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('derives its URLs from the listening address', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.graphqlUrl).toBe(`${server.url}/graphql`);
    expect(server.wsUrl).toBe(`${server.url.replace('http', 'ws')}/graphql`);
  });

  it('keeps the raw JSON body byte for byte', async () => {
    const body = '{ "topic":"orders_v2",  "name":"Tenis niño ñandú",\n"resource":"/orders/1" }';
    const response = await fetch(`${server.url}/webhooks/echo`, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body });
    expect(response.status).toBe(200);
    expect(received.at(-1)?.rawBody).toBe(body);
    expect(received.at(-1)?.body).toEqual({ topic: 'orders_v2', name: 'Tenis niño ñandú', resource: '/orders/1' });
  });

  it('keeps the raw form body', async () => {
    const body = 'topic=orders%2Fcreate&shop=tienda.myshopify.com&a=1&a=2';
    await fetch(`${server.url}/webhooks/echo`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(received.at(-1)?.rawBody).toBe(body);
    expect(received.at(-1)?.body).toEqual({ topic: 'orders/create', shop: 'tienda.myshopify.com', a: ['1', '2'] });
  });

  it('rejects malformed JSON with 400', async () => {
    const response = await fetch(`${server.url}/webhooks/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
    expect(response.status).toBe(400);
  });

  it('rejects a prototype-poisoning body', async () => {
    const response = await fetch(`${server.url}/webhooks/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"__proto__":{"admin":true}}' });
    expect(response.status).toBe(400);
  });

  it('rejects a query deeper than 10 levels', async () => {
    const token = await createDevelopmentToken({ secret: SECRET, tenantId: 'tenant-a' });
    const deep = '{ connections { listings { nodes { connection { listings { nodes { connection { listings { nodes { connection { id } } } } } } } } } } }';
    const response = await postGraphQL(server.graphqlUrl, deep, {}, { token, headers: { 'accept-language': 'en' } });
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.message).toBe('The query is 11 levels deep; the maximum is 10.');
  });

  it('maps GraphQL validation errors to BAD_USER_INPUT', async () => {
    const token = await createDevelopmentToken({ secret: SECRET, tenantId: 'tenant-a' });
    const response = await postGraphQL(server.graphqlUrl, '{ connections { noSuchField } }', {}, { token });
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.message).toMatch(/^La consulta no es válida: Cannot query field "noSuchField"/);
  });

  it('sends no stack traces by default', async () => {
    const token = await createDevelopmentToken({ secret: SECRET, tenantId: 'tenant-a' });
    const response = await postGraphQL(server.graphqlUrl, ConnectionsDocument, {}, { token });
    expect(response.status).toBe(200);
    const invalid = await postGraphQL(server.graphqlUrl, '{ listing(id: "not-a-uuid") { id } }', {}, { token });
    expect(invalid.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT' });
  });

  it('closes with open WebSocket connections', async () => {
    const { default: WebSocket } = await import('ws');
    const extra = await createHttpServer({
      orm: api.runtime.orm,
      services: api.services,
      auth: createJwtVerifier({ secret: SECRET }),
      logger: testLogger(),
      config: { host: '127.0.0.1', port: 0 },
    });
    const socket = new WebSocket(extra.wsUrl, 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    await extra.close();
    expect(await closed).toBe(1001);
    await expect(fetch(`${extra.url}/health`)).rejects.toThrow();
  });
});
