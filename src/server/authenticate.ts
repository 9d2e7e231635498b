import { HeaderMap } from '@apollo/server';
import { z } from 'zod';
import type { AuthResult, TokenVerifier } from '../security/jwt.js';
import { PublicError } from '../schema/common/errors.js';

/** Builds the UNAUTHENTICATED error for a rejected token: HTTP 401 with `WWW-Authenticate: Bearer` (RFC 6750). */
export function unauthenticatedError(failure: Extract<AuthResult, { ok: false }>): PublicError {
  return new PublicError('UNAUTHENTICATED', `errors.auth.${failure.reason}`, {}, {
    http: { status: 401, headers: new HeaderMap([['www-authenticate', 'Bearer']]) },
  });
}

/**
 * graphql-ws `connection_init` payload. The token comes as `authorization: "Bearer <jwt>"` or as
 * `token: "<jwt>"`; `locale` overrides the upgrade request's Accept-Language.
 */
const connectionParamsSchema = z.looseObject({
  authorization: z.string().optional(),
  Authorization: z.string().optional(),
  token: z.string().optional(),
  locale: z.string().max(200).optional(),
});

export interface ConnectionParams {
  locale: string | undefined;
  verify(verifier: TokenVerifier): Promise<AuthResult>;
}

export function readConnectionParams(payload: unknown): ConnectionParams {
  const parsed = connectionParamsSchema.safeParse(payload ?? {});
  const params = parsed.success ? parsed.data : {};
  const authorization = params.authorization ?? params.Authorization;
  return {
    locale: params.locale,
    verify(verifier) {
      if (authorization !== undefined) return verifier.verifyAuthorization(authorization);
      if (params.token !== undefined) return verifier.verifyToken(params.token);
      return Promise.resolve({ ok: false, reason: 'missing', detail: 'connection_init payload has no authorization or token' });
    },
  };
}
