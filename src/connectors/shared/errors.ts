import type { z } from 'zod';
import type { Marketplace } from './types.js';

export type MarketplaceErrorKind =
  | 'auth'
  | 'throttled'
  | 'transient'
  | 'invalid_input'
  | 'not_found'
  | 'conflict'
  | 'unknown';

export interface MarketplaceErrorOptions {
  kind: MarketplaceErrorKind;
  status?: number;
  code?: string;
  marketplaceMessage?: string;
  details?: unknown;
  retryAfterSeconds?: number;
  cause?: unknown;
}

const MARKETPLACE_NAMES: Record<Marketplace, string> = {
  MERCADOLIBRE: 'MercadoLibre',
  SHOPIFY: 'Shopify',
  TIKTOK: 'TikTok Shop',
  SHEIN: 'SHEIN',
};

export function marketplaceName(marketplace: Marketplace): string {
  return MARKETPLACE_NAMES[marketplace];
}

/**
 * A failed marketplace call, classified so callers can decide whether to retry, reconnect or give
 * up. Contract: `message` and `marketplaceMessage` never contain tokens or secrets; connectors
 * build them from the method, the path without query and redacted marketplace text.
 */
export class MarketplaceError extends Error {
  override readonly name: string = 'MarketplaceError';
  readonly marketplace: Marketplace;
  readonly kind: MarketplaceErrorKind;
  /** HTTP status of the marketplace response, when there was one. */
  readonly status?: number;
  /** Marketplace error code (e.g. `invalid_grant`) or one of ours (e.g. `unexpected_response`). */
  readonly code?: string;
  /** The marketplace's own error text, redacted. */
  readonly marketplaceMessage?: string;
  /** Structured extra data, such as the marketplace's list of validation causes. */
  readonly details?: unknown;
  /** Seconds to wait before retrying, from the Retry-After header when the response had one. */
  readonly retryAfterSeconds?: number;

  constructor(marketplace: Marketplace, message: string, options: MarketplaceErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.marketplace = marketplace;
    this.kind = options.kind;
    this.status = options.status;
    this.code = options.code;
    this.marketplaceMessage = options.marketplaceMessage;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** True when the same request may succeed later without any change on our side. */
  get retryable(): boolean {
    return this.kind === 'throttled' || this.kind === 'transient';
  }
}

export interface ResponseShapeIssue {
  path: string;
  code: string;
  message: string;
}

/**
 * A marketplace response that does not match the schema we rely on. Raised before any of the
 * response is used, so a partly understood response never half-applies.
 */
export class MarketplaceResponseShapeError extends MarketplaceError {
  override readonly name: string = 'MarketplaceResponseShapeError';
  /** Path of the first field that failed, e.g. `[0].body.variations[1].id`. */
  readonly fieldPath: string;
  readonly issues: ResponseShapeIssue[];

  constructor(marketplace: Marketplace, operation: string, issues: ResponseShapeIssue[]) {
    const first = issues[0] ?? { path: '(root)', code: 'custom', message: 'invalid value' };
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more issue(s))` : '';
    super(
      marketplace,
      `${marketplaceName(marketplace)} ${operation} returned an unexpected response: field ` +
        `"${first.path}": ${first.message}${more}. Nothing from this response was used; ` +
        'the marketplace API may have changed, so check the connector schema.',
      { kind: 'unknown', code: 'unexpected_response', details: { issues } },
    );
    this.fieldPath = first.path;
    this.issues = issues;
  }
}

/** Formats a zod issue path as `a.b[0].c`; the empty path is `(root)`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') {
      text += `[${segment}]`;
    } else {
      text += text === '' ? String(segment) : `.${String(segment)}`;
    }
  }
  return text === '' ? '(root)' : text;
}

/**
 * Parses a marketplace response body with `schema`, or raises MarketplaceResponseShapeError naming
 * the failing field. `pathPrefix` locates `value` inside the whole response (e.g. `[3].body`).
 * Zod issue messages carry no input values, so no response data leaks into the error.
 */
export function parseResponseBody<S extends z.ZodType>(
  schema: S,
  value: unknown,
  context: { marketplace: Marketplace; operation: string; pathPrefix?: readonly PropertyKey[] },
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) {
    return result.data;
  }
  const prefix = context.pathPrefix ?? [];
  const issues = result.error.issues.map((issue) => ({
    path: formatIssuePath([...prefix, ...issue.path]),
    code: issue.code,
    message: issue.message,
  }));
  throw new MarketplaceResponseShapeError(context.marketplace, context.operation, issues);
}
