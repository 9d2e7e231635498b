import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';
import type { Logger } from 'pino';
import { z } from 'zod';

/** Caller identity, taken from a verified token. */
export interface AuthContext {
  tenantId: string;
  /** The token's `sub`; null for service tokens that act for no user. */
  userId: string | null;
  scopes: readonly string[];
}

/**
 * Why a token was rejected: `missing` (no token), `malformed` (not `Bearer <jwt>` or not a JWT),
 * `invalid` (signature, algorithm, issuer, audience or not-before), `expired`, `claims` (no usable
 * `tenant_id`), `unverifiable` (the JWKS could not be fetched).
 */
export type AuthFailureReason = 'missing' | 'malformed' | 'invalid' | 'expired' | 'claims' | 'unverifiable';

export type AuthResult =
  | { ok: true; auth: AuthContext }
  /** `detail` is for server logs: it names the failed check and never contains the token. */
  | { ok: false; reason: AuthFailureReason; detail: string };

export interface TokenVerifier {
  /** Verifies a compact JWT. */
  verifyToken(token: string): Promise<AuthResult>;
  /** Verifies an HTTP `Authorization` header value of the form `Bearer <jwt>`. */
  verifyAuthorization(header: string | undefined): Promise<AuthResult>;
}

export interface JwtVerifierOptions {
  /** Shared secret for HS256 tokens. */
  secret?: string;
  /** JSON Web Key Set URL for asymmetric tokens (RS*, PS*, ES*, EdDSA). */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** Allowed clock skew between issuer and this server, in seconds. Default 5. */
  clockToleranceSeconds?: number;
  logger?: Logger;
}

/** The only algorithm accepted with the shared secret. */
export const SHARED_SECRET_ALGORITHM = 'HS256';
const JWKS_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

const claimsSchema = z.object({
  tenant_id: z.string().trim().min(1).max(64),
  sub: z.string().min(1).max(255).optional(),
  // OAuth 2.0 `scope` is a space-separated string (RFC 8693 section 4.2); some issuers send an array.
  scope: z.union([z.string(), z.array(z.string())]).optional(),
});

const BEARER = /^Bearer[ \t]+([A-Za-z0-9._~+/=-]+)[ \t]*$/i;

/**
 * Creates a verifier that accepts HS256 tokens signed with `secret` and asymmetric tokens signed by
 * a key in `jwksUrl`, whichever is configured. Throws when neither is given.
 */
export function createJwtVerifier(options: JwtVerifierOptions): TokenVerifier {
  if (!options.secret && !options.jwksUrl) {
    throw new Error('Cannot verify tokens: set JWT_SECRET (HS256 shared secret) or JWT_JWKS_URL (JSON Web Key Set URL).');
  }
  const secretKey = options.secret ? new TextEncoder().encode(options.secret) : null;
  const keySet = options.jwksUrl ? createRemoteJWKSet(new URL(options.jwksUrl)) : null;
  const logger = options.logger?.child({ module: 'jwt' });
  const common: JWTVerifyOptions = {
    issuer: options.issuer,
    audience: options.audience,
    clockTolerance: options.clockToleranceSeconds ?? 5,
  };

  async function verifySignature(token: string, algorithm: string | undefined): Promise<JWTPayload> {
    if (algorithm === SHARED_SECRET_ALGORITHM && secretKey) {
      return (await jwtVerify(token, secretKey, { ...common, algorithms: [SHARED_SECRET_ALGORITHM] })).payload;
    }
    if (keySet) {
      return (await jwtVerify(token, keySet, { ...common, algorithms: JWKS_ALGORITHMS })).payload;
    }
    throw new errors.JOSEAlgNotAllowed(`algorithm ${String(algorithm)} is not accepted; only ${SHARED_SECRET_ALGORITHM} is configured`);
  }

  async function verifyToken(token: string): Promise<AuthResult> {
    let algorithm: string | undefined;
    try {
      algorithm = decodeProtectedHeader(token).alg;
    } catch {
      return { ok: false, reason: 'malformed', detail: 'token is not a compact JWS' };
    }
    let payload: JWTPayload;
    try {
      payload = await verifySignature(token, algorithm);
    } catch (error) {
      const failure = classifyJoseError(error);
      if (failure.reason === 'unverifiable') logger?.warn({ err: error }, 'JWKS unavailable; rejecting token');
      return failure;
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) {
      return { ok: false, reason: 'claims', detail: `invalid claims: ${claims.error.issues.map((issue) => issue.path.join('.')).join(', ')}` };
    }
    const { tenant_id: tenantId, sub, scope } = claims.data;
    const scopes = typeof scope === 'string' ? scope.split(' ').filter(Boolean) : (scope ?? []);
    return { ok: true, auth: { tenantId, userId: sub ?? null, scopes } };
  }

  return {
    verifyToken,
    async verifyAuthorization(header) {
      if (header === undefined || header.trim() === '') return { ok: false, reason: 'missing', detail: 'no Authorization header' };
      const match = BEARER.exec(header);
      if (!match?.[1]) return { ok: false, reason: 'malformed', detail: 'Authorization header is not "Bearer <token>"' };
      return verifyToken(match[1]);
    },
  };
}

function classifyJoseError(error: unknown): Extract<AuthResult, { ok: false }> {
  if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired', detail: 'exp is in the past' };
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
    return { ok: false, reason: 'unverifiable', detail: error.code };
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return { ok: false, reason: 'malformed', detail: error.code };
  }
  if (error instanceof errors.JOSEError) {
    const claim = error instanceof errors.JWTClaimValidationFailed ? ` (${error.claim})` : '';
    return { ok: false, reason: 'invalid', detail: `${error.code}${claim}` };
  }
  // A network failure while fetching the JWKS surfaces as a plain error from fetch.
  return { ok: false, reason: 'unverifiable', detail: error instanceof Error ? error.message : String(error) };
}
