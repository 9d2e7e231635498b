import type { FastifyInstance, FastifyReply } from 'fastify';
import { queryOf, type SandboxContext } from './context.js';
import type { GrantResult } from './credentials.js';
import { CODES, tiktokError, tiktokSuccess } from './errors.js';
import { signaturesEqual } from './signing.js';
import type { AppRecord } from './store.js';

/** `data` of a successful token response, with both expiry fields as Unix timestamps. */
export interface TokenData {
  access_token: string;
  access_token_expire_in: number;
  refresh_token: string;
  refresh_token_expire_in: number;
  open_id: string;
  seller_name: string;
  seller_base_region: string;
  user_type: 0;
  granted_scopes: string[];
}

// The token endpoint reports every failure with HTTP 200 and a non-zero body code.
function sendFailure(reply: FastifyReply, code: number, message: string): FastifyReply {
  return reply.code(200).send(tiktokError(code, message));
}

function sendGrant(reply: FastifyReply, context: SandboxContext, app: AppRecord, result: GrantResult, kind: 'auth code' | 'refresh token'): FastifyReply {
  if (!result.ok) {
    context.logger.info({ appKey: app.appKey, reason: result.reason }, 'token request rejected');
    if (result.failure === 'expired') return sendFailure(reply, CODES.grantExpired, kind === 'auth code' ? 'auth code has expired' : 'rt has expired');
    return sendFailure(reply, CODES.grantNotFound, 'can not find related auth record');
  }
  const { tokens } = result;
  const seller = context.store.sellers.get(tokens.openId);
  const data: TokenData = {
    access_token: tokens.accessToken,
    access_token_expire_in: Math.floor(tokens.accessTokenExpiresAt / 1000),
    refresh_token: tokens.refreshToken,
    refresh_token_expire_in: Math.floor(tokens.refreshTokenExpiresAt / 1000),
    open_id: tokens.openId,
    seller_name: seller?.name ?? '',
    seller_base_region: seller?.baseRegion ?? 'MX',
    user_type: 0,
    granted_scopes: tokens.scopes,
  };
  return reply.header('cache-control', 'no-store').send(tiktokSuccess(data));
}

/** Registers GET /api/v2/token/get and GET /api/v2/token/refresh, which take the app secret in the query. */
export function registerTokenRoutes(app: FastifyInstance, context: SandboxContext): void {
  const authenticateApp = (query: URLSearchParams, reply: FastifyReply): AppRecord | undefined => {
    const appKey = query.get('app_key');
    const appSecret = query.get('app_secret');
    if (!appKey || !appSecret) {
      void sendFailure(reply, CODES.grantInvalidRequest, `Missing ${appKey ? 'app_secret' : 'app_key'}: send app_key and app_secret in the query.`);
      return undefined;
    }
    const record = context.store.apps.get(appKey);
    if (!record || !signaturesEqual(record.appSecret, appSecret)) {
      void sendFailure(reply, CODES.grantInvalidApp, `Invalid app_key or app_secret for app_key "${appKey}".`);
      return undefined;
    }
    return record;
  };

  app.get('/api/v2/token/get', async (request, reply) => {
    const query = queryOf(request.url);
    const record = authenticateApp(query, reply);
    if (!record) return reply;
    if (query.get('grant_type') !== 'authorized_code') {
      return sendFailure(reply, CODES.grantInvalidRequest, `Invalid grant_type "${query.get('grant_type') ?? ''}": use authorized_code.`);
    }
    const code = query.get('auth_code');
    if (!code) return sendFailure(reply, CODES.grantInvalidRequest, 'Missing auth_code.');
    return sendGrant(reply, context, record, context.credentials.exchangeCode(record, code, Date.now()), 'auth code');
  });

  app.get('/api/v2/token/refresh', async (request, reply) => {
    const query = queryOf(request.url);
    const record = authenticateApp(query, reply);
    if (!record) return reply;
    if (query.get('grant_type') !== 'refresh_token') {
      return sendFailure(reply, CODES.grantInvalidRequest, `Invalid grant_type "${query.get('grant_type') ?? ''}": use refresh_token.`);
    }
    const refreshToken = query.get('refresh_token');
    if (!refreshToken) return sendFailure(reply, CODES.grantInvalidRequest, 'Missing refresh_token.');
    return sendGrant(reply, context, record, context.credentials.exchangeRefreshToken(record, refreshToken, Date.now()), 'refresh token');
  });
}
