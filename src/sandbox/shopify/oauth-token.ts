import type { FastifyInstance, FastifyReply } from 'fastify';
import { stringField, type SandboxContext } from './context.js';
import type { GrantResult } from './credentials.js';
import { NOT_FOUND_BODY, oauthError } from './errors.js';
import { secretsEqual } from './tokens.js';

/*
 * NOTE: the error bodies follow the OAuth 2.0 shape ({error, error_description}); Shopify's exact
 * wording and statuses for each case are not documented, so these are close guesses.
 */

function sendGrant(reply: FastifyReply, context: SandboxContext, clientId: string, result: GrantResult, rejection: { error: string; description: string }): FastifyReply {
  if (!result.ok) {
    context.logger.info({ clientId, reason: result.reason }, 'token request rejected');
    return reply.code(400).send(oauthError(rejection.error, rejection.description));
  }
  const { tokens } = result;
  const body: Record<string, unknown> = { access_token: tokens.accessToken, scope: tokens.scopes.join(',') };
  if (tokens.refreshToken !== undefined) {
    body.expires_in = tokens.expiresInSeconds;
    body.refresh_token = tokens.refreshToken;
    body.refresh_token_expires_in = tokens.refreshTokenExpiresInSeconds;
  }
  return reply.header('cache-control', 'no-store').send(body);
}

/**
 * Registers POST /shops/{shop}/admin/oauth/access_token (JSON or form body): the authorization code
 * grant (with `expiring=1` for an expiring offline token) and the refresh_token grant.
 */
export function registerTokenRoute(app: FastifyInstance, context: SandboxContext): void {
  app.post<{ Params: { shop: string } }>('/shops/:shop/admin/oauth/access_token', async (request, reply) => {
    const shop = context.store.shops.get(request.params.shop);
    if (!shop) return reply.code(404).send(NOT_FOUND_BODY);
    const body: unknown = request.body;
    const field = (name: string): string | undefined => {
      const value = stringField(body, name);
      return value === '' ? undefined : value;
    };
    const clientId = field('client_id');
    const clientSecret = field('client_secret');
    if (!clientId || !clientSecret) {
      return reply.code(400).send(oauthError('invalid_request', 'Missing client_id or client_secret: send both in the body.'));
    }
    const application = context.credentials.apps.get(clientId);
    if (!application || !secretsEqual(application.clientSecret, clientSecret)) {
      return reply.code(401).send(oauthError('invalid_client', 'Client authentication failed: unknown client_id or wrong client_secret.'));
    }

    const now = Date.now();
    const grantType = field('grant_type') ?? 'authorization_code';
    if (grantType === 'authorization_code') {
      const code = field('code');
      if (!code) return reply.code(400).send(oauthError('invalid_request', 'Missing code for the authorization code grant.'));
      const expiring = field('expiring') === '1' || field('expiring') === 'true';
      const result = context.credentials.exchangeCode(application, shop.domain, code, expiring, now);
      return sendGrant(reply, context, clientId, result, { error: 'invalid_request', description: 'The authorization code was not found or was already used.' });
    }
    if (grantType === 'refresh_token') {
      const refreshToken = field('refresh_token');
      if (!refreshToken) return reply.code(400).send(oauthError('invalid_request', 'Missing refresh_token for the refresh_token grant.'));
      const result = context.credentials.refresh(application, shop.domain, refreshToken, now);
      return sendGrant(reply, context, clientId, result, { error: 'invalid_grant', description: 'The refresh token is invalid, expired, revoked or was replaced.' });
    }
    return reply.code(400).send(oauthError('unsupported_grant_type', `Unsupported grant_type "${grantType}": use authorization_code or refresh_token.`));
  });
}
