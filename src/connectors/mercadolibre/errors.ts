import { z } from 'zod';
import { MarketplaceError, type MarketplaceErrorKind } from '../shared/errors.js';
import { parseRetryAfter } from '../shared/http.js';
import { redactSecrets } from '../shared/redact.js';

/** Access tokens (APP_USR-...) and authorization codes or refresh tokens (TG-...). */
export const MERCADOLIBRE_SECRET_PATTERNS: readonly RegExp[] = [/APP_USR-[A-Za-z0-9-]+/g, /TG-[A-Za-z0-9]+-\d+/g];

/** One entry of the `cause` list of a MercadoLibre error, e.g. a failed item validation. */
export interface MercadoLibreErrorCause {
  code: string | null;
  message: string | null;
  type: string | null;
  references: string[];
}

/** `details` of a MarketplaceError built from a MercadoLibre error body. */
export interface MercadoLibreErrorDetails {
  error: string | null;
  cause: MercadoLibreErrorCause[];
}

// The field set is open: everything is optional and unknown keys are ignored.
const errorBodySchema = z.object({
  message: z.string().optional(),
  error: z.string().nullish(),
  error_description: z.string().optional(),
  status: z.number().optional(),
  cause: z.array(z.unknown()).nullish(),
});

const causeSchema = z.object({
  code: z.string().nullish(),
  message: z.string().nullish(),
  type: z.string().nullish(),
  references: z.array(z.string()).nullish(),
});

export interface MercadoLibreErrorResponse {
  method: string;
  /** Request path without query string. */
  path: string;
  status: number;
  headers: Headers;
  body: unknown;
}

/**
 * Maps a MercadoLibre error response (status >= 400) to a MarketplaceError. Marketplace text is
 * redacted of token-shaped strings and of `secretValues` (e.g. the client secret).
 */
export function mapMercadoLibreError(
  response: MercadoLibreErrorResponse,
  secretValues: readonly string[] = [],
): MarketplaceError {
  const redact = (text: string): string => redactSecrets(text, MERCADOLIBRE_SECRET_PATTERNS, secretValues);
  const parsed = errorBodySchema.safeParse(response.body);
  const body = parsed.success ? parsed.data : {};
  const errorCode = body.error ?? null;
  const rawMessage = body.message ?? body.error_description ?? (typeof response.body === 'string' ? response.body.slice(0, 200) : undefined);
  const marketplaceMessage = rawMessage === undefined || rawMessage === '' ? undefined : redact(rawMessage);
  const details: MercadoLibreErrorDetails = {
    error: errorCode,
    cause: (body.cause ?? []).map((entry) => parseCause(entry, redact)),
  };
  const { kind, code } = classify(response.status, errorCode, body.message);
  const retryAfterSeconds = kind === 'throttled' ? parseRetryAfter(response.headers.get('retry-after')) : undefined;

  const summary = [String(response.status), code].filter(Boolean).join(' ');
  const text = marketplaceMessage ? `: ${marketplaceMessage}` : '';
  const message = `MercadoLibre rejected ${response.method} ${response.path} (${summary})${text}. ${nextStep(kind, retryAfterSeconds)}`;
  return new MarketplaceError('MERCADOLIBRE', message, {
    kind,
    status: response.status,
    code,
    marketplaceMessage,
    details,
    retryAfterSeconds,
  });
}

function classify(
  status: number,
  error: string | null,
  message: string | undefined,
): { kind: MarketplaceErrorKind; code: string | undefined } {
  const code = error ?? undefined;
  // An unknown or expired token comes back as 401 with message "invalid_token" and error "not_found".
  if (status === 401 || message === 'invalid_token' || error === 'invalid_token') {
    return { kind: 'auth', code: message === 'invalid_token' ? 'invalid_token' : (code ?? 'unauthorized') };
  }
  if (error === 'invalid_grant' || error === 'invalid_client' || error === 'unauthorized_client' || error === 'unauthorized_application') {
    return { kind: 'auth', code };
  }
  if (status === 403) {
    return { kind: 'auth', code: 'forbidden' };
  }
  if (status === 429 || error === 'local_rate_limited') {
    return { kind: 'throttled', code: code ?? 'too_many_requests' };
  }
  if (status >= 500 || status === 408) {
    return { kind: 'transient', code };
  }
  if (status === 404) {
    return { kind: 'not_found', code: code ?? 'not_found' };
  }
  if (status === 409) {
    return { kind: 'conflict', code };
  }
  if (status === 400 || status === 422) {
    return { kind: 'invalid_input', code };
  }
  return { kind: 'unknown', code };
}

function nextStep(kind: MarketplaceErrorKind, retryAfterSeconds: number | undefined): string {
  switch (kind) {
    case 'auth':
      return 'Refresh the access token, or ask the seller to authorize the application again.';
    case 'throttled':
      return retryAfterSeconds === undefined ? 'Slow down and retry later.' : `Retry after ${retryAfterSeconds} s.`;
    case 'transient':
      return 'Retry later.';
    case 'invalid_input':
      return 'Fix the request; repeating it unchanged will fail again.';
    case 'not_found':
      return 'Check the id; the resource may have been deleted.';
    case 'conflict':
      return 'Read the resource again and retry with its current version.';
    case 'unknown':
      return 'Check the marketplace response.';
  }
}

function parseCause(entry: unknown, redact: (text: string) => string): MercadoLibreErrorCause {
  if (typeof entry === 'string') {
    return { code: null, message: redact(entry), type: null, references: [] };
  }
  const parsed = causeSchema.safeParse(entry);
  if (!parsed.success) {
    return { code: null, message: null, type: null, references: [] };
  }
  return {
    code: parsed.data.code ?? null,
    message: parsed.data.message ? redact(parsed.data.message) : null,
    type: parsed.data.type ?? null,
    references: parsed.data.references ?? [],
  };
}
