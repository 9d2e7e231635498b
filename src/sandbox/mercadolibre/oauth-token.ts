import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { stringField, type SandboxContext } from './context.js';
import type { GrantResult } from './credentials.js';
import { INVALID_GRANT_MESSAGE, sendMlError } from './errors.js';

export interface TokenResponseBody {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  user_id: number;
  refresh_token: string;
}

function secretsEqual(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function sendGrantResult(reply: FastifyReply, context: SandboxContext, clientId: string, result: GrantResult): FastifyReply {
  if (!result.ok) {
    // The reason goes to the log only: MercadoLibre returns the same body for every grant failure.
    context.logger.info({ clientId, reason: result.reason }, 'token request rejected with invalid_grant');
    return sendMlError(reply, 400, 'invalid_grant', INVALID_GRANT_MESSAGE);
  }
  const body: TokenResponseBody = {
    access_token: result.tokens.accessToken,
    token_type: 'Bearer',
    expires_in: result.tokens.expiresInSeconds,
    scope: 'offline_access read write',
    user_id: result.tokens.userId,
    refresh_token: result.tokens.refreshToken,
  };
  return reply.header('cache-control', 'no-store').send(body);
}

/** Registers POST /oauth/token for the authorization_code and refresh_token grants (form or JSON body). */
export function registerTokenRoute(app: FastifyInstance, context: SandboxContext): void {
  app.post('/oauth/token', async (request, reply) => {
    const body: unknown = request.body;
    const field = (name: string): string | undefined => {
      const value = stringField(body, name);
      return value === '' ? undefined : value;
    };

    const grantType = field('grant_type');
    if (!grantType) {
      return sendMlError(reply, 400, 'invalid_request', 'Missing grant_type: use authorization_code or refresh_token.');
    }
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
      return sendMlError(
        reply,
        400,
        'unsupported_grant_type',
        `Unsupported grant_type "${grantType}": use authorization_code or refresh_token.`,
      );
    }

    const clientId = field('client_id');
    const clientSecret = field('client_secret');
    if (!clientId || !clientSecret) {
      const missing = clientId ? 'client_secret' : 'client_id';
      return sendMlError(reply, 400, 'invalid_request', `Missing ${missing}: send client_id and client_secret in the body.`);
    }
    const application = context.store.apps.get(clientId);
    if (!application || !secretsEqual(application.clientSecret, clientSecret)) {
      return sendMlError(reply, 401, 'invalid_client', `Invalid client credentials for client_id "${clientId}".`);
    }

    const now = Date.now();
    if (grantType === 'authorization_code') {
      const code = field('code');
      const redirectUri = field('redirect_uri');
      if (!code || !redirectUri) {
        const missing = code ? 'redirect_uri' : 'code';
        return sendMlError(reply, 400, 'invalid_request', `Missing ${missing} for grant_type authorization_code.`);
      }
      const result = context.credentials.exchangeCode(application, { code, redirectUri, codeVerifier: field('code_verifier') }, now);
      return sendGrantResult(reply, context, clientId, result);
    }

    const refreshToken = field('refresh_token');
    if (!refreshToken) {
      return sendMlError(reply, 400, 'invalid_request', 'Missing refresh_token for grant_type refresh_token.');
    }
    return sendGrantResult(reply, context, clientId, context.credentials.exchangeRefreshToken(application, refreshToken, now));
  });
}
