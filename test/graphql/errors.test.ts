import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevelopmentToken } from '../../src/commands/dev-token.js';
import { createHttpServer, type HttpServer } from '../../src/server/http-server.js';
import { createJwtVerifier } from '../../src/security/jwt.js';
import type { Services } from '../../src/services.js';
import { StartSyncDocument } from '../generated/graphql.js';
import { startTestApi, type TestApi } from '../support/api-server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { postGraphQL } from '../support/graphql-client.js';
import { seedTenant, type SeededTenant } from '../support/seed-tenant.js';

const SECRET = 'errors-test-secret-0123456789abcdefghij';

/** Wraps the services so that the sync port rejects with `failure()`, while the other ports stay real. */
function failingServices(base: Services, failure: () => Error): Services {
  return { ...base, sync: { startSync: async () => Promise.reject(failure()) } };
}

describe('error chokepoint', () => {
  let database: TestDatabase;
  let api: TestApi;
  let tenant: SeededTenant;
  const logLines: Array<Record<string, unknown>> = [];
  const servers: HttpServer[] = [];
  let plain: HttpServer;
  let withStackTraces: HttpServer;
  let failure: () => Error = () => new Error('unset');

  async function start(exposeStackTraces: boolean): Promise<HttpServer> {
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logLines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        callback();
      },
    });
    const server = await createHttpServer({
      orm: api.runtime.orm,
      services: failingServices(api.services, () => failure()),
      auth: createJwtVerifier({ secret: SECRET }),
      logger: pino({ level: 'error' }, destination),
      config: { host: '127.0.0.1', port: 0, exposeStackTraces },
    });
    servers.push(server);
    return server;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    api = await startTestApi(database);
    tenant = await seedTenant(database.orm, 'tenant-a');
    plain = await start(false);
    withStackTraces = await start(true);
  });

  afterAll(async () => {
    for (const server of servers) await server.close();
    await api?.close();
    await database?.close();
  });

  it('hides an unexpected error and logs it in full', async () => {
    failure = () => new Error('connect ECONNREFUSED postgres://app:hunter2@db.internal/egdc');
    const token = await createDevelopmentToken({ secret: SECRET, tenantId: 'tenant-a' });
    const response = await postGraphQL(plain.graphqlUrl, StartSyncDocument, { connectionId: tenant.connectionId }, { token });

    expect(response.errors).toHaveLength(1);
    expect(response.errors?.[0]?.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(response.errors?.[0]?.message).toBe('Ocurrió un error interno. Inténtalo de nuevo; si el problema continúa, contacta a soporte.');
    expect(JSON.stringify(response)).not.toContain('hunter2');

    const logged = logLines.find((line) => line.msg === 'unexpected error while handling a GraphQL request');
    expect((logged?.err as { message?: string } | undefined)?.message).toContain('ECONNREFUSED');
    expect(logged?.path).toEqual(['startSync']);
  });

  it('passes a service error with a public code and text key', async () => {
    failure = () => Object.assign(new Error('run already queued'), { code: 'CONFLICT', messageKey: 'errors.codes.CONFLICT' });
    const token = await createDevelopmentToken({ secret: SECRET, tenantId: 'tenant-a' });
    const response = await postGraphQL(plain.graphqlUrl, StartSyncDocument, { connectionId: tenant.connectionId }, { token, headers: { 'accept-language': 'en' } });
    expect(response.errors?.[0]?.extensions).toEqual({ code: 'CONFLICT' });
    expect(response.errors?.[0]?.message).toBe('The operation conflicts with the current state. Fetch the data again and retry.');
  });

  it('uses the generic text for a service error code without a known key', async () => {
    failure = () => Object.assign(new Error('MercadoLibre answered 503'), { code: 'MARKETPLACE_UNAVAILABLE', messageKey: 'no.such.key' });
    const token = await createDevelopmentToken({ secret: SECRET, tenantId: 'tenant-a' });
    const response = await postGraphQL(plain.graphqlUrl, StartSyncDocument, { connectionId: tenant.connectionId }, { token });
    expect(response.errors?.[0]?.extensions).toEqual({ code: 'MARKETPLACE_UNAVAILABLE' });
    expect(response.errors?.[0]?.message).toBe('El marketplace no está disponible en este momento. Inténtalo más tarde.');
  });

  it('adds stack traces only when asked to', async () => {
    failure = () => new Error('boom');
    const token = await createDevelopmentToken({ secret: SECRET, tenantId: 'tenant-a' });
    const response = await postGraphQL(withStackTraces.graphqlUrl, StartSyncDocument, { connectionId: tenant.connectionId }, { token });
    expect(response.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(response.errors?.[0]?.extensions?.stacktrace?.[0]).toBe('Error: boom');
  });
});
