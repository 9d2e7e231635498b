import { z } from 'zod';
import { MarketplaceError, type MarketplaceErrorKind } from '../shared/errors.js';
import { redactSecrets } from '../shared/redact.js';
import type { ShopDomainProblem, ShopDomainResult } from './shop-domain.js';
import { throttleRetryAfterSeconds, type ShopifyQueryCost } from './throttle.js';

/** Access tokens (shpat_, shpca_, shpua_, shpss_, shppa_) and refresh tokens (shprt_). */
export const SHOPIFY_SECRET_PATTERNS: readonly RegExp[] = [/shp(?:at|rt|ca|ua|ss|pa)_[A-Za-z0-9]+/g];

/** A shop domain that is not exactly `<name>.myshopify.com`, rejected before any request. */
export class InvalidShopDomainError extends MarketplaceError {
  override readonly name: string = 'InvalidShopDomainError';
  readonly reason: ShopDomainProblem;

  constructor(result: Extract<ShopDomainResult, { ok: false }>) {
    super('SHOPIFY', result.message, { kind: 'invalid_input', code: 'invalid_shop_domain', details: { reason: result.reason } });
    this.reason = result.reason;
  }
}

export interface ShopifyHttpErrorResponse {
  method: string;
  /** Request path without query string. */
  path: string;
  shopDomain: string;
  status: number;
  headers: Headers;
  body: unknown;
}

// REST-style `{"errors": ...}` bodies and the OAuth endpoint's `{"error", "error_description"}`.
const errorBodySchema = z.object({
  errors: z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
});

/**
 * Maps an HTTP error status from the Admin API (`context` 'api') or from the OAuth token endpoint
 * ('token') to a MarketplaceError. On the token endpoint every 4xx but 429 means the grant or the
 * client credentials were rejected, so it is an auth error.
 */
export function mapShopifyHttpError(response: ShopifyHttpErrorResponse, context: 'api' | 'token', secretValues: readonly string[]): MarketplaceError {
  const redact = (text: string): string => redactSecrets(text, SHOPIFY_SECRET_PATTERNS, secretValues);
  const parsed = errorBodySchema.safeParse(response.body);
  const body = parsed.success ? parsed.data : {};
  const rawText = body.error_description ?? describeErrors(body.errors) ?? (typeof response.body === 'string' ? response.body.slice(0, 200) : undefined);
  const marketplaceMessage = rawText === undefined || rawText === '' ? undefined : redact(rawText);
  const { kind, code } = classifyStatus(response.status, context, body.error);
  const retryAfterSeconds = kind === 'throttled' ? parseRetryAfterSeconds(response.headers.get('retry-after')) : undefined;

  const summary = [String(response.status), code].filter(Boolean).join(' ');
  const text = marketplaceMessage ? `: ${withoutFinalPeriod(marketplaceMessage)}` : '';
  const message = `Shopify rejected ${response.method} ${response.path} for ${response.shopDomain} (${summary})${text}. ${nextStep(kind, retryAfterSeconds)}`;
  return new MarketplaceError('SHOPIFY', message, { kind, status: response.status, code, marketplaceMessage, retryAfterSeconds });
}

const graphqlErrorSchema = z.object({
  message: z.string(),
  path: z.array(z.union([z.string(), z.number()])).optional(),
  extensions: z.object({ code: z.string().optional() }).optional(),
});

export type ShopifyGraphqlError = z.output<typeof graphqlErrorSchema>;
export const graphqlErrorsSchema = z.array(graphqlErrorSchema).min(1);

/**
 * Maps the top-level `errors` of a GraphQL response (HTTP 200) to a MarketplaceError. A THROTTLED
 * entry anywhere wins, with the wait computed from `extensions.cost`; otherwise the first entry's
 * `extensions.code` decides the kind. Errors without a code are query or validation errors.
 */
export function mapGraphqlErrors(
  errors: readonly ShopifyGraphqlError[],
  cost: ShopifyQueryCost | null,
  context: { operation: string; shopDomain: string },
  secretValues: readonly string[],
): MarketplaceError {
  const redact = (text: string): string => redactSecrets(text, SHOPIFY_SECRET_PATTERNS, secretValues);
  const throttled = errors.find((error) => error.extensions?.code === 'THROTTLED');
  const chosen = throttled ?? errors[0];
  const code = chosen?.extensions?.code;
  const kind = throttled ? 'throttled' : classifyGraphqlCode(code);
  const retryAfterSeconds = kind === 'throttled' ? throttleRetryAfterSeconds(cost) : undefined;
  const marketplaceMessage = chosen ? redact(chosen.message) : undefined;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more error(s))` : '';
  const message =
    `Shopify GraphQL ${context.operation} failed for ${context.shopDomain} (${code ?? 'no code'}): ${withoutFinalPeriod(marketplaceMessage ?? '')}${more}. ` +
    nextStep(kind, retryAfterSeconds);
  return new MarketplaceError('SHOPIFY', message, {
    kind,
    status: 200,
    code: code ?? 'graphql_error',
    marketplaceMessage,
    retryAfterSeconds,
    details: {
      errors: errors.map((error) => ({ message: redact(error.message), code: error.extensions?.code ?? null, path: error.path ?? null })),
      cost,
    },
  });
}

function classifyGraphqlCode(code: string | undefined): MarketplaceErrorKind {
  switch (code) {
    case 'ACCESS_DENIED':
      return 'auth';
    case 'INTERNAL_SERVER_ERROR':
    case 'SERVICE_UNAVAILABLE':
    case 'TIMEOUT':
      return 'transient';
    case 'NOT_FOUND':
      return 'not_found';
    case 'SHOP_INACTIVE':
      return 'unknown';
    default:
      // BAD_REQUEST, MAX_COST_EXCEEDED and validation errors: the same query fails again.
      return 'invalid_input';
  }
}

function classifyStatus(status: number, context: 'api' | 'token', oauthError: string | undefined): { kind: MarketplaceErrorKind; code: string } {
  if (status === 429) return { kind: 'throttled', code: 'too_many_requests' };
  if (status >= 500 || status === 408) return { kind: 'transient', code: oauthError ?? 'server_error' };
  if (context === 'token' && status >= 400) return { kind: 'auth', code: oauthError ?? 'invalid_request' };
  switch (status) {
    case 401:
      return { kind: 'auth', code: 'invalid_token' };
    case 403:
      return { kind: 'auth', code: 'forbidden' };
    case 402:
      // The shop is frozen for an unpaid bill; only the merchant can lift it.
      return { kind: 'unknown', code: 'payment_required' };
    case 404:
      return { kind: 'not_found', code: 'not_found' };
    case 423:
      return { kind: 'unknown', code: 'shop_locked' };
    default:
      return { kind: status >= 400 && status < 500 ? 'invalid_input' : 'unknown', code: `http_${status}` };
  }
}

/** Shopify sends Retry-After as decimal seconds ("2.0"); rounds up, undefined when unreadable. */
function parseRetryAfterSeconds(value: string | null): number | undefined {
  if (value === null || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Math.max(1, Math.ceil(Number(value)));
}

function withoutFinalPeriod(text: string): string {
  return text.trim().replace(/\.+$/, '');
}

function describeErrors(errors: string | Record<string, unknown> | unknown[] | undefined): string | undefined {
  if (errors === undefined) return undefined;
  if (typeof errors === 'string') return errors;
  return JSON.stringify(errors).slice(0, 300);
}

export function nextStep(kind: MarketplaceErrorKind, retryAfterSeconds?: number): string {
  switch (kind) {
    case 'auth':
      return 'Refresh the access token, or ask the merchant to install or authorize the app again with the required scopes.';
    case 'throttled':
      return retryAfterSeconds === undefined ? 'Slow down and retry later.' : `Retry after ${retryAfterSeconds} s.`;
    case 'transient':
      return 'Retry later.';
    case 'invalid_input':
      return 'Fix the request; repeating it unchanged will fail again.';
    case 'not_found':
      return 'Check the id; the resource may have been deleted.';
    case 'conflict':
      return 'Read the resource again and retry with its current state.';
    case 'unknown':
      return 'Check the marketplace response.';
  }
}
