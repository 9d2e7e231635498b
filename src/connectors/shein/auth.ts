import type { Logger } from 'pino';
import type { CallbackResult } from '../shared/contract.js';
import { MarketplaceError } from '../shared/errors.js';
import type { HttpResponseHook } from '../shared/http.js';
import type { ResiliencePolicy } from '../shared/resilience/index.js';
import type { TokenCallOptions } from '../shared/token-call.js';
import type { TokenSet } from '../shared/types.js';
import { decryptWithFixedIv } from './aes.js';
import { postAsApp } from './client.js';
import type { SheinConfig } from './config.js';
import { tokenInfoSchema } from './schemas.js';

export const GET_BY_TOKEN_PATH = '/open-api/auth/get-by-token';

export interface AuthCallOptions extends TokenCallOptions {
  logger?: Logger;
  onResponse?: HttpResponseHook;
  /** Retries of the token request; the process-wide default policy when not given. */
  resilience?: ResiliencePolicy;
}

/**
 * Builds the empower link: `{empowerBaseUrl}?appid=...&redirectUrl={base64(redirect URI)}&state=...`.
 * The query is appended as text, not through URL, because the production base ends in the
 * fragment `#/empower` and the parameters must stay inside that fragment.
 */
export function buildEmpowerUrl(config: SheinConfig, state: string): string {
  if (state === '') {
    throw new TypeError('buildEmpowerUrl: state must be a non-empty random value; it protects the callback against CSRF.');
  }
  const query = new URLSearchParams({
    appid: config.appId,
    redirectUrl: Buffer.from(config.redirectUri, 'utf8').toString('base64'),
    state,
  });
  const separator = config.empowerBaseUrl.includes('?') ? '&' : '?';
  return `${config.empowerBaseUrl}${separator}${query.toString()}`;
}

/**
 * Reads the empower redirect `{redirect}?appid=...&tempToken=...&state=...`. The tempToken is the
 * authorization code. SHEIN signs nothing here, so the appid is only compared with ours.
 * NOTE: how SHEIN reports a cancelled authorization is not documented; an `error=access_denied`
 * parameter (what the local sandbox sends) is read as a denial.
 */
export function readEmpowerCallback(config: SheinConfig, query: Record<string, string>): CallbackResult {
  if (query.error === 'access_denied') {
    return { ok: false, reason: 'access_denied' };
  }
  const appId = query.appid;
  if (appId !== undefined && appId !== config.appId) {
    return { ok: false, reason: 'code_missing', detail: `the callback is for appid "${appId}", not this application's appid "${config.appId}"` };
  }
  const tempToken = query.tempToken;
  if (tempToken === undefined || tempToken.trim() === '') {
    return { ok: false, reason: 'code_missing', detail: 'the redirect has no tempToken parameter' };
  }
  return { ok: true, code: tempToken };
}

/**
 * Trades a tempToken (single use, valid 10 minutes) for the seller's openKeyId and secret key.
 * The secret key arrives AES-encrypted with the app secret and is returned decrypted as the
 * access token; SHEIN keys do not expire, so there is no refresh token and no expiry.
 */
export async function exchangeTempToken(config: SheinConfig, tempToken: string, options: AuthCallOptions = {}): Promise<TokenSet> {
  const logger = options.logger?.child({ module: 'connectors.shein.auth' });
  const info = await postAsApp(config, GET_BY_TOKEN_PATH, { tempToken }, tokenInfoSchema, { ...options, logger, secretValues: [tempToken] });
  if (info.appid !== config.appId) {
    throw new MarketplaceError(
      'SHEIN',
      `SHEIN returned keys for appid "${info.appid}" instead of "${config.appId}"; check the configured appid and start the authorization again.`,
      { kind: 'auth', code: 'appid_mismatch' },
    );
  }
  const secretKey = decryptWithFixedIv(info.secretKey, config.appSecret);
  if (secretKey === null || secretKey.trim() === '') {
    throw new MarketplaceError(
      'SHEIN',
      'The secret key from SHEIN could not be decrypted with the configured app secret; check appSecret and authorize again.',
      { kind: 'unknown', code: 'secret_key_undecryptable' },
    );
  }
  logger?.info({ supplierId: info.supplierId }, 'SHEIN seller keys received');
  return {
    accessToken: secretKey,
    refreshToken: null,
    expiresAt: null,
    scopes: [],
    accountId: info.supplierId,
    accountName: null,
    metadata: {
      openKeyId: info.openKeyId,
      supplierId: info.supplierId,
      supplierSource: info.supplierSource ?? null,
    },
  };
}

/** Builds the error `refreshTokens` raises. SHEIN has no refresh, so a lost or revoked key needs a new authorization. */
export function refreshNotSupportedError(): MarketplaceError {
  return new MarketplaceError(
    'SHEIN',
    'SHEIN keys cannot be refreshed: they last until the seller removes the authorization. Ask the seller to authorize the application again.',
    { kind: 'auth', code: 'reauthorize' },
  );
}
