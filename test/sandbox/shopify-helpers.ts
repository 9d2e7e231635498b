import { createHmac } from 'node:crypto';
import { startShopifySandbox, type SeedProduct, type ShopifySandbox, type ShopifySandboxOptions } from '../../src/sandbox/shopify/index.js';
import { testLogger } from '../support/logger.js';

export const CLIENT_ID = 'sandbox-test-client';
export const CLIENT_SECRET = 'sandbox-test-secret';
// Never contacted: the tests read the redirect Location instead of following it.
export const REDIRECT_URI = 'https://app.example.test/oauth/shopify/callback';
export const SHOP = 'zapateria-centro.myshopify.com';
export const INVALID_TOKEN_BODY = { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' };

export function startTestSandbox(options: ShopifySandboxOptions = {}): Promise<ShopifySandbox> {
  return startShopifySandbox({
    logger: testLogger(),
    apps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI], name: 'Inventario EGDC' }],
    ...options,
  });
}

/** Footwear models with the given sizes; each size starts with `available` units. */
export function shoes(count: number, prefix: string, sizes: string[] = ['23', '24', '25'], available = 4): SeedProduct[] {
  return Array.from({ length: count }, (_, index) => ({
    title: `Tacones ${prefix} ${index} Plata`,
    vendor: 'GABRIELAS',
    variants: sizes.map((size) => ({ sku: `${prefix}${index}_PLATA${size}`, size, color: 'Plata', price: 418, available })),
  }));
}

/** Computes the redirect HMAC with node:crypto directly, independently of the sandbox code. */
export function expectedQueryHmac(query: Record<string, string>, secret: string = CLIENT_SECRET): string {
  const message = Object.entries(query)
    .filter(([key]) => key !== 'hmac')
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  return createHmac('sha256', secret).update(message).digest('hex');
}

export function postForm(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
}

export interface TokenBody {
  access_token: string;
  scope: string;
  expires_in?: number;
  refresh_token?: string;
  refresh_token_expires_in?: number;
}

/** Installs the test app on a shop without the HTML page and returns the token response. */
export async function install(sandbox: ShopifySandbox, shopDomain: string = SHOP, options: { expiring?: boolean; scopes?: string[] } = {}): Promise<TokenBody> {
  const { code } = sandbox.issueAuthorizationCode({ clientId: CLIENT_ID, shopDomain, redirectUri: REDIRECT_URI, scopes: options.scopes });
  const fields: Record<string, string> = { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code };
  if (options.expiring ?? true) fields.expiring = '1';
  const response = await postForm(`${sandbox.endpointForShop(shopDomain)}/admin/oauth/access_token`, fields);
  if (response.status !== 200) throw new Error(`Token exchange failed with status ${response.status}: ${await response.text()}`);
  return (await response.json()) as TokenBody;
}

export interface GraphqlAnswer {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, unknown> | null;
    errors?: Array<{ message: string; extensions?: Record<string, unknown>; path?: unknown[] }>;
    extensions?: { cost: { requestedQueryCost: number; actualQueryCost: number | null; throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number } } };
  };
}

export async function graphql(
  sandbox: ShopifySandbox,
  accessToken: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: { shopDomain?: string; version?: string } = {},
): Promise<GraphqlAnswer> {
  const response = await fetch(`${sandbox.endpointForShop(options.shopDomain ?? SHOP)}/admin/api/${options.version ?? '2026-04'}/graphql.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': accessToken },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphqlAnswer['body'] };
}
