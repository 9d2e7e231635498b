import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJwtVerifier } from '../../src/security/jwt.js';

const SECRET = 'jwt-test-shared-secret-0123456789abcdef';

function sign(claims: Record<string, unknown>, key: CryptoKey | Uint8Array, header: { alg: string; kid?: string }, options: { issuer?: string; audience?: string } = {}) {
  const token = new SignJWT(claims).setProtectedHeader(header).setIssuedAt().setExpirationTime('10m');
  if (options.issuer) token.setIssuer(options.issuer);
  if (options.audience) token.setAudience(options.audience);
  return token.sign(key);
}

describe('JWT verifier', () => {
  let jwksServer: Server;
  let jwksUrl: string;
  let privateKey: CryptoKey;
  let requests = 0;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' };
    jwksServer = createServer((_request, response) => {
      requests += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`;
  });

  afterAll(async () => {
    await new Promise((resolve) => jwksServer?.close(resolve));
  });

  it('accepts an RS256 token signed by a key in the JWKS', async () => {
    const verifier = createJwtVerifier({ jwksUrl, issuer: 'https://id.egdc.test', audience: 'egdc-integrations' });
    const token = await sign({ tenant_id: 'tenant-a', sub: 'user-7', scope: 'listings:read sync:write' }, privateKey, { alg: 'RS256', kid: 'key-1' }, {
      issuer: 'https://id.egdc.test',
      audience: 'egdc-integrations',
    });
    expect(await verifier.verifyAuthorization(`Bearer ${token}`)).toEqual({
      ok: true,
      auth: { tenantId: 'tenant-a', userId: 'user-7', scopes: ['listings:read', 'sync:write'] },
    });
    expect(requests).toBeGreaterThan(0);
  });

  it('rejects a wrong audience or issuer', async () => {
    const verifier = createJwtVerifier({ jwksUrl, issuer: 'https://id.egdc.test', audience: 'egdc-integrations' });
    const wrongAudience = await sign({ tenant_id: 'tenant-a' }, privateKey, { alg: 'RS256', kid: 'key-1' }, { issuer: 'https://id.egdc.test', audience: 'other' });
    const wrongIssuer = await sign({ tenant_id: 'tenant-a' }, privateKey, { alg: 'RS256', kid: 'key-1' }, { issuer: 'https://evil.test', audience: 'egdc-integrations' });
    expect(await verifier.verifyToken(wrongAudience)).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await verifier.verifyToken(wrongIssuer)).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('rejects an HS256 token when only a JWKS is configured', async () => {
    const verifier = createJwtVerifier({ jwksUrl });
    const token = await sign({ tenant_id: 'tenant-a' }, new TextEncoder().encode(SECRET), { alg: 'HS256' });
    expect(await verifier.verifyToken(token)).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('rejects an RS256 token when only a secret is configured', async () => {
    const verifier = createJwtVerifier({ secret: SECRET });
    const token = await sign({ tenant_id: 'tenant-a' }, privateKey, { alg: 'RS256', kid: 'key-1' });
    expect(await verifier.verifyToken(token)).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('accepts both kinds when both are configured', async () => {
    const verifier = createJwtVerifier({ secret: SECRET, jwksUrl });
    const hs = await sign({ tenant_id: 'tenant-h' }, new TextEncoder().encode(SECRET), { alg: 'HS256' });
    const rs = await sign({ tenant_id: 'tenant-r', scope: ['a', 'b'] }, privateKey, { alg: 'RS256', kid: 'key-1' });
    expect(await verifier.verifyToken(hs)).toEqual({ ok: true, auth: { tenantId: 'tenant-h', userId: null, scopes: [] } });
    expect(await verifier.verifyToken(rs)).toEqual({ ok: true, auth: { tenantId: 'tenant-r', userId: null, scopes: ['a', 'b'] } });
  });

  it('reports an unreachable JWKS as unverifiable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const verifier = createJwtVerifier({ jwksUrl: `http://127.0.0.1:${port}/jwks.json` });
    const token = await sign({ tenant_id: 'tenant-a' }, privateKey, { alg: 'RS256', kid: 'key-1' });
    expect(await verifier.verifyToken(token)).toMatchObject({ ok: false, reason: 'unverifiable' });
  });

  it.each([
    ['', 'missing'],
    ['Bearer', 'malformed'],
    ['Token abc', 'malformed'],
    ['Bearer not.a.jwt', 'malformed'],
  ])('classifies the header %j as %s', async (header, reason) => {
    const verifier = createJwtVerifier({ secret: SECRET });
    expect(await verifier.verifyAuthorization(header)).toMatchObject({ ok: false, reason });
  });

  it('rejects an empty tenant_id', async () => {
    const verifier = createJwtVerifier({ secret: SECRET });
    const token = await sign({ tenant_id: '  ' }, new TextEncoder().encode(SECRET), { alg: 'HS256' });
    expect(await verifier.verifyToken(token)).toMatchObject({ ok: false, reason: 'claims' });
  });

  it('requires a secret or a JWKS URL', () => {
    expect(() => createJwtVerifier({})).toThrow('set JWT_SECRET');
  });
});
