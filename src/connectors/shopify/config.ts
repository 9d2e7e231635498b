import { z } from 'zod';

/** Admin API version the queries of this connector are written for. */
export const SHOPIFY_DEFAULT_API_VERSION = '2026-04';

/** Access scopes the sync needs: catalog and stock read and write, locations and orders. */
export const SHOPIFY_DEFAULT_SCOPES: readonly string[] = [
  'read_products',
  'write_products',
  'read_inventory',
  'write_inventory',
  'read_locations',
  'read_orders',
];

/** Base URL of a shop's Admin host; the production default is `https://{shopDomain}`. */
export type ShopEndpointResolver = (shopDomain: string) => string;

export const defaultEndpointForShop: ShopEndpointResolver = (shopDomain) => `https://${shopDomain}`;

export interface ShopifyConfig {
  /** Client id ("API key") of the app in the Partner Dashboard or Dev Dashboard. */
  clientId: string;
  /** Client secret: signs the OAuth callback and webhooks, and authenticates token requests. */
  clientSecret: string;
  /**
   * The secret used before the last rotation. Shopify can keep signing webhooks with it for up to an
   * hour after a rotation, so webhook and OAuth callback checks accept either secret while it is set.
   */
  previousClientSecret?: string;
  /** Must be one of the app's allowed redirection URLs, character for character. */
  redirectUri: string;
  scopes: string[];
  /** Admin API version in the request path, `YYYY-MM`; 2026-04 when not given. */
  apiVersion: string;
  /**
   * Whether to request expiring offline tokens (60 min access token, rotating refresh token).
   * Shopify makes them mandatory for public apps from 2027-01-01; default true.
   */
  expiringTokens: boolean;
  /** Maps a shop domain to its Admin base URL; tests point it at the local sandbox. */
  endpointForShop: ShopEndpointResolver;
  /** Accepted age of the OAuth callback's `timestamp`, either way, in seconds; default 90. */
  callbackMaxAgeSeconds: number;
  /** Per-call HTTP timeout in milliseconds; 15 000 when not given. */
  timeoutMs?: number;
}

export type ShopifyConfigInput = Pick<ShopifyConfig, 'clientId' | 'clientSecret' | 'redirectUri'> &
  Partial<Omit<ShopifyConfig, 'clientId' | 'clientSecret' | 'redirectUri'>>;

const API_VERSION_PATTERN = /^(\d{4}-(01|04|07|10)|unstable)$/;

const configSchema = z.object({
  clientId: z.string().trim().min(1),
  clientSecret: z.string().min(1),
  previousClientSecret: z.string().min(1).optional(),
  redirectUri: z.url({ protocol: /^https?$/ }),
  scopes: z
    .array(z.string().regex(/^[a-z_]+$/, 'scopes are lowercase words joined by "_", such as read_products'))
    .min(1)
    .default([...SHOPIFY_DEFAULT_SCOPES]),
  apiVersion: z.string().regex(API_VERSION_PATTERN, 'use a stable version such as 2026-04').default(SHOPIFY_DEFAULT_API_VERSION),
  expiringTokens: z.boolean().default(true),
  endpointForShop: z
    .custom<ShopEndpointResolver>((value) => typeof value === 'function', 'must be a function (shopDomain) => base URL')
    .default(() => defaultEndpointForShop),
  callbackMaxAgeSeconds: z.number().int().positive().default(90),
  timeoutMs: z.number().int().positive().optional(),
});

/**
 * Validates the configuration once and fills in the defaults. Raises one error that lists every
 * invalid or missing key; values are never quoted, because one of them is the client secret.
 */
export function createShopifyConfig(input: ShopifyConfigInput): ShopifyConfig {
  const result = configSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new TypeError(`Invalid Shopify configuration: ${problems.join('; ')}. Fix these keys and restart.`);
  }
  return result.data;
}
