import { z } from 'zod';
import { MarketplaceError, type MarketplaceErrorKind } from '../shared/errors.js';
import { parseRetryAfter } from '../shared/http.js';
import { redactSecrets } from '../shared/redact.js';

/** Code SHEIN returns with a rate-limited call (HTTP 429, message containing 限流). */
export const SHEIN_RATE_LIMIT_CODE = '832213';

/**
 * Error kinds of the SHEIN `code` values the connector acts on. Only "0" (success) and 832213
 * (rate limited) were seen in integrators' code.
 * NOTE: the other codes are not published; these are the ones the local sandbox uses, so the
 * table must change with it. Unknown codes are classified by HTTP status.
 */
const CODE_KINDS: Readonly<Record<string, MarketplaceErrorKind>> = {
  [SHEIN_RATE_LIMIT_CODE]: 'throttled',
  '100001': 'auth', // signing headers missing
  '100002': 'auth', // signature does not match
  '100003': 'auth', // x-lt-timestamp outside the accepted window
  '100004': 'auth', // openKeyId unknown, or the seller removed the authorization
  '100005': 'auth', // appid unknown
  '100006': 'auth', // tempToken unknown, expired or already used
  '200001': 'invalid_input', // request parameter invalid
  '200002': 'invalid_input', // too many rows in one call
  '200404': 'not_found',
  '500000': 'transient',
};

/** Open key ids and secret keys are 32 uppercase hex characters; both are masked in error text. */
export const SHEIN_SECRET_PATTERNS: readonly RegExp[] = [/\b[0-9A-F]{32}\b/g];

/** SHEIN's response envelope; `code` is a string, "0" for success. */
export const envelopeSchema = z.object({
  code: z.union([z.string(), z.number().int()]).transform(String),
  msg: z.string().nullish(),
  info: z.unknown().optional(),
  traceId: z.string().nullish(),
});

export type SheinEnvelope = z.output<typeof envelopeSchema>;

export interface SheinErrorResponse {
  method: string;
  /** Request path without query. */
  path: string;
  status: number;
  headers: Headers;
  body: unknown;
}

/** `details` of a MarketplaceError built from a SHEIN error response. */
export interface SheinErrorDetails {
  traceId: string | null;
}

/**
 * Maps a failed SHEIN response (HTTP status >= 400, or an envelope whose code is not "0") to a
 * MarketplaceError. The code decides the kind when it is known, then the HTTP status. Marketplace
 * text is redacted of key-shaped strings and of `secretValues`.
 */
export function mapSheinError(response: SheinErrorResponse, secretValues: readonly string[] = []): MarketplaceError {
  const parsed = envelopeSchema.safeParse(response.body);
  const envelope = parsed.success ? parsed.data : null;
  const rawMessage = envelope?.msg ?? (typeof response.body === 'string' ? response.body.slice(0, 200) : undefined);
  const marketplaceMessage = rawMessage ? redactSecrets(rawMessage, SHEIN_SECRET_PATTERNS, secretValues) : undefined;
  const code = envelope && envelope.code !== '0' ? envelope.code : undefined;
  const kind = classify(response.status, code, rawMessage);
  const retryAfterSeconds = kind === 'throttled' ? parseRetryAfter(response.headers.get('retry-after')) : undefined;
  const details: SheinErrorDetails = { traceId: envelope?.traceId ?? null };

  const summary = [String(response.status), code].filter(Boolean).join(' ');
  const text = marketplaceMessage ? `: ${marketplaceMessage}` : '';
  const trace = details.traceId ? ` (traceId ${details.traceId})` : '';
  const message = `SHEIN rejected ${response.method} ${response.path} (${summary})${text}${trace}. ${nextStep(kind, retryAfterSeconds)}`;
  return new MarketplaceError('SHEIN', message, {
    kind,
    status: response.status,
    code: code ?? (response.status === 429 ? SHEIN_RATE_LIMIT_CODE : undefined),
    marketplaceMessage,
    details,
    retryAfterSeconds,
  });
}

function classify(status: number, code: string | undefined, message: string | undefined): MarketplaceErrorKind {
  const known = code === undefined ? undefined : CODE_KINDS[code];
  if (known) {
    return known;
  }
  if (status === 429 || message?.includes('限流')) {
    return 'throttled';
  }
  if (status === 401 || status === 403) {
    return 'auth';
  }
  if (status >= 500 || status === 408) {
    return 'transient';
  }
  if (status === 404) {
    return 'not_found';
  }
  if (status === 409) {
    return 'conflict';
  }
  if (status === 400 || status === 422) {
    return 'invalid_input';
  }
  return 'unknown';
}

function nextStep(kind: MarketplaceErrorKind, retryAfterSeconds: number | undefined): string {
  switch (kind) {
    case 'auth':
      return 'Check the app credentials and the clock, or ask the seller to authorize the application again.';
    case 'throttled':
      return retryAfterSeconds === undefined ? 'Slow down (at least 150 ms between calls per seller) and retry later.' : `Retry after ${retryAfterSeconds} s.`;
    case 'transient':
      return 'Retry later.';
    case 'invalid_input':
      return 'Fix the request; repeating it unchanged will fail again.';
    case 'not_found':
      return 'Check the id; the resource may have been deleted.';
    case 'conflict':
      return 'Read the resource again and retry.';
    case 'unknown':
      return 'Check the marketplace response.';
  }
}
