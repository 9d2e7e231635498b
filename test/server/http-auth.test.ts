import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionsDocument } from '../generated/graphql.js';
import { startTestApi, type TestApi } from '../support/api-server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { postGraphQL } from '../support/graphql-client.js';

describe('GraphQL over HTTP: authentication', () => {
  let database: TestDatabase;
  let api: TestApi;

  beforeAll(async () => {
    database = await createTestDatabase();
    api = await startTestApi(database);
  });

  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  async function signed(secret: string, claims: Record<string, unknown>, expiresAt: number): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(expiresAt - 3600)
      .setExpirationTime(expiresAt)
      .sign(new TextEncoder().encode(secret));
  }

  const inOneHour = () => Math.floor(Date.now() / 1000) + 3600;

  it('rejects a request without a token', async () => {
    const response = await postGraphQL(api.graphqlUrl, ConnectionsDocument);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(response.errors?.[0]?.message).toBe('Falta el token de acceso. Envía el encabezado Authorization: Bearer <token>.');
    expect(response.data).toBeUndefined();
  });

  it('rejects a token signed with another secret', async () => {
    const token = await signed('another-secret-that-is-long-enough-0123456789', { tenant_id: 'tenant-a' }, inOneHour());
    const response = await postGraphQL(api.graphqlUrl, ConnectionsDocument, {}, { token });
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(response.errors?.[0]?.message).toBe('El token de acceso no es válido. Solicita un token nuevo.');
  });

  it('rejects an expired token', async () => {
    const token = await signed(api.secret, { tenant_id: 'tenant-a' }, Math.floor(Date.now() / 1000) - 600);
    const response = await postGraphQL(api.graphqlUrl, ConnectionsDocument, {}, { token });
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(response.errors?.[0]?.message).toBe('El token de acceso expiró. Solicita un token nuevo.');
  });

  it('answers in English when Accept-Language prefers it', async () => {
    const token = await signed(api.secret, { tenant_id: 'tenant-a' }, Math.floor(Date.now() / 1000) - 600);
    const response = await postGraphQL(api.graphqlUrl, ConnectionsDocument, {}, {
      token,
      headers: { 'accept-language': 'en-US,en;q=0.9,es-MX;q=0.5' },
    });
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(response.errors?.[0]?.message).toBe('The access token has expired. Request a new token.');
  });

  it('rejects a token without tenant_id', async () => {
    const token = await signed(api.secret, { sub: 'user-1' }, inOneHour());
    const response = await postGraphQL(api.graphqlUrl, ConnectionsDocument, {}, { token, headers: { 'accept-language': 'en' } });
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(response.errors?.[0]?.message).toBe('The access token has no valid tenant (claim tenant_id).');
  });

  it('rejects a header that is not Bearer', async () => {
    const response = await postGraphQL(api.graphqlUrl, ConnectionsDocument, {}, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(response.errors?.[0]?.message).toContain('Bearer <token>');
  });

  it('rejects an unsigned token (alg none)', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ tenant_id: 'tenant-a', exp: inOneHour() })).toString('base64url');
    const response = await postGraphQL(api.graphqlUrl, ConnectionsDocument, {}, { token: `${header}.${payload}.` });
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('accepts a valid token', async () => {
    const response = await postGraphQL(api.graphqlUrl, ConnectionsDocument, {}, { token: await api.token('tenant-a') });
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
    expect(response.data?.connections).toEqual([]);
  });
});
