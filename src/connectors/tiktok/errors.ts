import { z } from 'zod';
import { MarketplaceError, type MarketplaceErrorKind } from '../shared/errors.js';
import { parseRetryAfter } from '../shared/http.js';
import { redactSecrets } from '../shared/redact.js';

/** Access and refresh tokens: `ROW_`, `TTP_` (and other region prefixes) followed by base64url text. */
export const TIKTOK_SECRET_PATTERNS: readonly RegExp[] = [/\b(?:ROW|TTP|US|EU)_[A-Za-z0-9_-]{16,}/g];

/** TikTok Shop error codes the connector classifies by name. */
export const TIKTOK_ERROR_CODES = {
  tooManyRequests: 36009002,
  invalidCredentials: 36009004,
  requestTimeout: 36009007,
  invalidPath: 36009009,
  invalidMethod: 36009010,
  invalidVersion: 36009014,
  ipNotAllowed: 36009033,
  tokenShopMismatch: 101000,
  tokenExpired: 105002,
  scopeMissing: 105005,
  invalidSign: 106001,
  shopCipherMissing: 106013,
} as const;

/** `details` of a MarketplaceError built from a TikTok Shop error body. */
export interface TikTokErrorDetails {
  /** TikTok's numeric code, or null when the body had none. */
  code: number | null;
  requestId: string | null;
}

export interface TikTokErrorResponse {
  method: string;
  /** Request path without query string (the token calls carry the app secret in the query). */
  path: string;
  status: number;
  headers: Headers;
  body: unknown;
}

const errorBodySchema = z.object({
  code: z.number().int().optional(),
  message: z.string().optional(),
  request_id: z.string().optional(),
});

/**
 * Maps a failed TikTok Shop response (HTTP error or body `code` other than 0) to a MarketplaceError.
 * Marketplace text is redacted of token-shaped strings and of `secretValues`.
 */
export function mapTikTokError(response: TikTokErrorResponse, secretValues: readonly string[] = []): MarketplaceError {
  const parsed = errorBodySchema.safeParse(response.body);
  const body = parsed.success ? parsed.data : {};
  const tiktokCode = body.code ?? null;
  const rawMessage = body.message ?? (typeof response.body === 'string' ? response.body.slice(0, 200) : undefined);
  const marketplaceMessage = rawMessage === undefined || rawMessage === '' ? undefined : redactSecrets(rawMessage, TIKTOK_SECRET_PATTERNS, secretValues);
  const { kind, code } = classifyTikTokError(response.status, tiktokCode, rawMessage);
  // TikTok documents no rate headers; a Retry-After from a proxy in between is still honoured.
  const retryAfterSeconds = kind === 'throttled' ? parseRetryAfter(response.headers.get('retry-after')) : undefined;
  const details: TikTokErrorDetails = { code: tiktokCode, requestId: body.request_id ?? null };

  const summary = [`HTTP ${response.status}`, tiktokCode === null ? null : `code ${tiktokCode}`].filter(Boolean).join(', ');
  const text = marketplaceMessage ? `: ${marketplaceMessage}` : '';
  const message = `TikTok Shop rejected ${response.method} ${response.path} (${summary})${text}. ${nextStep(kind, code)}`;
  return new MarketplaceError('TIKTOK', message, { kind, status: response.status, code, marketplaceMessage, details, retryAfterSeconds });
}

/**
 * Classifies a TikTok Shop error by its body code first and its HTTP status second. `status` is
 * undefined for errors reported inside a successful response (per-SKU inventory errors), whose
 * unknown codes count as invalid_input. The returned code is a name for known TikTok codes and the
 * numeric code as text for the others.
 */
export function classifyTikTokError(
  status: number | undefined,
  tiktokCode: number | null,
  message: string | undefined,
): { kind: MarketplaceErrorKind; code: string | undefined } {
  const codes = TIKTOK_ERROR_CODES;
  switch (tiktokCode) {
    case codes.tokenExpired:
      return { kind: 'auth', code: 'token_expired' };
    // A wrong signature is our bug: retrying the same request cannot help.
    case codes.invalidSign:
      return { kind: 'invalid_input', code: 'invalid_sign' };
    case codes.invalidCredentials:
      // One code for a missing sign, a bad token or app key, and a timestamp outside the window.
      // A timestamp error means clock skew, which a retry with a fresh timestamp may fix.
      if (/timestamp/i.test(message ?? '')) {
        return { kind: 'transient', code: 'timestamp_out_of_window' };
      }
      return { kind: 'auth', code: 'invalid_credentials' };
    case codes.scopeMissing:
      return { kind: 'auth', code: 'scope_missing' };
    case codes.tokenShopMismatch:
      return { kind: 'auth', code: 'token_shop_mismatch' };
    case codes.ipNotAllowed:
      return { kind: 'auth', code: 'ip_not_allowed' };
    case codes.tooManyRequests:
      return { kind: 'throttled', code: 'too_many_requests' };
    case codes.requestTimeout:
      return { kind: 'transient', code: 'request_timeout' };
    case codes.shopCipherMissing:
      return { kind: 'invalid_input', code: 'shop_cipher_missing' };
    case codes.invalidPath:
      return { kind: 'invalid_input', code: 'invalid_path' };
    case codes.invalidMethod:
      return { kind: 'invalid_input', code: 'invalid_method' };
    case codes.invalidVersion:
      return { kind: 'invalid_input', code: 'invalid_version' };
  }

  const code = tiktokCode === null ? undefined : String(tiktokCode);
  // 36004xxx are the token endpoint's codes for an unknown, used or expired auth code or refresh
  // token (and, in the sandbox, for bad app credentials). Retrying the same request cannot help.
  if (tiktokCode !== null && Math.floor(tiktokCode / 1000) === 36004) {
    return { kind: 'auth', code: 'invalid_grant' };
  }
  if (status === undefined) {
    return { kind: 'invalid_input', code };
  }

  if (status === 429) {
    return { kind: 'throttled', code: 'too_many_requests' };
  }
  if (status >= 500 || status === 408) {
    return { kind: 'transient', code: code ?? (status === 503 ? 'service_unavailable' : 'server_error') };
  }
  if (status === 401 || status === 403) {
    return { kind: 'auth', code: code ?? 'unauthorized' };
  }
  if (status === 404) {
    return { kind: 'not_found', code: code ?? 'not_found' };
  }
  if (status === 409) {
    return { kind: 'conflict', code };
  }
  if (status >= 400 || tiktokCode !== null) {
    return { kind: 'invalid_input', code };
  }
  return { kind: 'unknown', code };
}

function nextStep(kind: MarketplaceErrorKind, code: string | undefined): string {
  switch (kind) {
    case 'auth':
      if (code === 'token_expired') return 'Refresh the access token and retry.';
      if (code === 'scope_missing') return 'Enable the API scope for the app in Partner Center, then ask the seller to authorize again.';
      return 'Refresh the access token, or ask the seller to authorize the application again.';
    case 'throttled':
      return 'Slow down and retry later; TikTok Shop allows about 50 requests per second per API and shop.';
    case 'transient':
      return code === 'timestamp_out_of_window' ? 'Check that the server clock is synchronized (NTP), then retry.' : 'Retry later.';
    case 'invalid_input':
      return code === 'invalid_sign'
        ? 'Check the app secret and that the signed body is the exact text sent; repeating the request unchanged will fail again.'
        : 'Fix the request; repeating it unchanged will fail again.';
    case 'not_found':
      return 'Check the id; the resource may have been deleted.';
    case 'conflict':
      return 'Read the resource again and retry.';
    case 'unknown':
      return 'Check the marketplace response.';
  }
}
