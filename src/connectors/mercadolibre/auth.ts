import type { Logger } from 'pino';
import { parseResponseBody } from '../shared/errors.js';
import { JsonHttpClient, type HttpResponseHook } from '../shared/http.js';
import type { ResiliencePolicy } from '../shared/resilience/index.js';
import { executeTokenRequest, type TokenCallOptions } from '../shared/token-call.js';
import { resolveTokenExpiry, type TokenExpiryRule } from '../shared/token-expiry.js';
import type { AccessTokenSource, TokenSet } from '../shared/types.js';
import { MercadoLibreClient } from './client.js';
import type { MercadoLibreConfig } from './config.js';
import { mapMercadoLibreError } from './errors.js';
import { revokeResponseSchema, tokenResponseSchema, userSchema, type MercadoLibreUser } from './schemas.js';

/** Documented access token lifetime (6 h). Also the fallback when `expires_in` is missing or odd. */
export const ACCESS_TOKEN_LIFETIME_SECONDS = 21_600;

/** A longer `expires_in` (seconds) than documented is capped, because trusting it could postpone the refresh past the real expiry. */
const ACCESS_TOKEN_EXPIRY: TokenExpiryRule = {
  field: 'MercadoLibre expires_in',
  unit: 'lifetime',
  maxLifetimeSeconds: ACCESS_TOKEN_LIFETIME_SECONDS,
  fallbackSeconds: ACCESS_TOKEN_LIFETIME_SECONDS,
};

export interface AuthCallOptions extends TokenCallOptions {
  logger?: Logger;
  onResponse?: HttpResponseHook;
  /** Retries of the token request; the process-wide default policy when not given. */
  resilience?: ResiliencePolicy;
}

export interface AuthorizationUrlInput {
  config: MercadoLibreConfig;
  /** Unguessable value bound to the user's session; checked again on the callback. */
  state: string;
  /** S256 PKCE challenge (see createPkcePair). */
  codeChallenge: string;
}

/** Builds the URL of the consent page the seller is sent to. */
export function buildAuthorizationUrl({ config, state, codeChallenge }: AuthorizationUrlInput): string {
  if (state === '') {
    throw new TypeError('buildAuthorizationUrl: state must be a non-empty random value; it protects the callback against CSRF.');
  }
  if (codeChallenge === '') {
    throw new TypeError('buildAuthorizationUrl: codeChallenge is empty; pass the challenge from createPkcePair().');
  }
  const url = new URL(`${config.authBaseUrl.replace(/\/+$/, '')}/authorization`);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', config.clientId);
  url.searchParams.set('redirect_uri', config.redirectUri);
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', codeChallenge);
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}

/** Exchanges an authorization code (single use, valid 10 minutes) for the seller's tokens. */
export function exchangeCode(
  config: MercadoLibreConfig,
  input: { code: string; codeVerifier: string },
  options: AuthCallOptions = {},
): Promise<TokenSet> {
  return requestToken(
    config,
    {
      grant_type: 'authorization_code',
      client_id: config.clientId,
      client_secret: config.clientSecret,
      code: input.code,
      redirect_uri: config.redirectUri,
      code_verifier: input.codeVerifier,
    },
    [input.code, input.codeVerifier],
    options,
  );
}

/**
 * Trades a refresh token for a new token set. MercadoLibre refresh tokens are single use: the one
 * passed in is dead once this call reaches the server, so store the returned pair before anything
 * else, and never refresh one connection twice at the same time. For the same reason the request
 * is repeated only after a 429 or a connection that was refused, never after a 5xx or a timeout.
 */
export function refreshToken(config: MercadoLibreConfig, refreshTokenValue: string, options: AuthCallOptions = {}): Promise<TokenSet> {
  return requestToken(
    config,
    {
      grant_type: 'refresh_token',
      client_id: config.clientId,
      client_secret: config.clientSecret,
      refresh_token: refreshTokenValue,
    },
    [refreshTokenValue],
    options,
  );
}

/** Removes the seller's authorization of our application, which revokes all of its tokens. */
export async function revokeAuthorization(
  config: MercadoLibreConfig,
  tokenSource: AccessTokenSource,
  userId: string,
  options: AuthCallOptions = {},
): Promise<void> {
  const client = new MercadoLibreClient({ config, tokenSource, ...options });
  const path = `/users/${encodeURIComponent(userId)}/applications/${encodeURIComponent(config.clientId)}`;
  await client.delete(path, revokeResponseSchema);
}

/** Reads the seller the access token belongs to (GET /users/me). */
export function fetchCurrentUser(client: MercadoLibreClient): Promise<MercadoLibreUser> {
  return client.get('/users/me', userSchema);
}

async function requestToken(
  config: MercadoLibreConfig,
  form: Record<string, string>,
  grantSecrets: string[],
  options: AuthCallOptions,
): Promise<TokenSet> {
  const logger = options.logger?.child({ module: 'connectors.mercadolibre.auth' });
  const http = new JsonHttpClient({
    marketplace: 'MERCADOLIBRE',
    baseUrl: config.apiBaseUrl,
    timeoutMs: config.timeoutMs,
    onResponse: options.onResponse,
    logger,
  });
  const path = '/oauth/token';
  const token = await executeTokenRequest(
    {
      marketplace: 'MERCADOLIBRE',
      operation: `POST ${path}`,
      // The code and the refresh token are both single use.
      repeatable: false,
      send: (signal) => http.request({ method: 'POST', path, form, signal }),
      read: (response) => {
        if (response.status < 200 || response.status >= 300) {
          throw mapMercadoLibreError(
            { method: 'POST', path, status: response.status, headers: response.headers, body: response.body },
            [config.clientSecret, ...grantSecrets],
          );
        }
        return parseResponseBody(tokenResponseSchema, response.body, { marketplace: 'MERCADOLIBRE', operation: `POST ${path}` });
      },
    },
    { traffic: options.traffic, resilience: options.resilience, logger },
  );
  return {
    accessToken: token.access_token,
    refreshToken: token.refresh_token ?? null,
    expiresAt: resolveTokenExpiry(token.expires_in, ACCESS_TOKEN_EXPIRY, { logger }),
    scopes: (token.scope ?? '').split(/[\s,]+/).filter((scope) => scope !== ''),
    accountId: String(token.user_id),
  };
}
