import { MarketplaceError } from '../errors.js';

/** Network failure codes that prove the request never reached the marketplace. */
const NOT_SENT_REASONS: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * True for failures that show the marketplace (or the path to it) is unwell: a 5xx response, a
 * network error or a timeout. These count toward opening the connection's circuit. A 429 or a
 * 4xx is a response from a healthy server and does not.
 */
export function isHealthFailure(error: unknown): error is MarketplaceError {
  if (!(error instanceof MarketplaceError) || error.code === 'circuit_open') return false;
  if (error.status !== undefined) return error.status >= 500;
  return error.kind === 'transient';
}

/** True for a throttled response: HTTP 429, or a marketplace's own throttling code such as Shopify's THROTTLED. */
export function isThrottled(error: unknown): error is MarketplaceError {
  return error instanceof MarketplaceError && (error.status === 429 || error.kind === 'throttled');
}

/**
 * Decides whether the call path may send the request again after `error`. Only network errors,
 * timeouts, 429 and 5xx are retried. Marketplaces reject a throttled request before carrying it
 * out, so it is sent again whatever the request. After a 5xx or a failure without a response the
 * marketplace may have acted on the request. Then only requests marked idempotent are repeated,
 * plus requests that a refused connection proves were never sent.
 */
export function isRetryable(error: unknown, idempotent: boolean): boolean {
  if (!(error instanceof MarketplaceError) || error.code === 'circuit_open') return false;
  if (isThrottled(error)) return true;
  if (!isHealthFailure(error)) return false;
  return idempotent || neverSent(error);
}

/** True when the marketplace rejected the access token itself, which one token renewal may fix. */
export function isUnauthorized(error: unknown): error is MarketplaceError {
  if (!(error instanceof MarketplaceError) || error.kind !== 'auth') return false;
  return error.status === 401 || error.code === 'token_expired' || error.code === 'invalid_token';
}

function neverSent(error: MarketplaceError): boolean {
  if (error.code !== 'network_error') return false;
  const details = error.details as { reason?: unknown } | undefined;
  return typeof details?.reason === 'string' && NOT_SENT_REASONS.has(details.reason);
}
