import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { startTikTokSandbox, type SandboxAppConfig, type SeedProduct, type TikTokSandbox, type TikTokSandboxOptions } from '../../src/sandbox/tiktok/index.js';
import { testLogger } from '../support/logger.js';

export const APP_KEY = '6b2c3d4e5f6a7';
export const APP_SECRET = 'sandbox-test-app-secret';
export const SERVICE_ID = '7172000000000070160';
// Never contacted: the tests read the redirect Location instead of following it.
export const REDIRECT_URL = 'https://app.example.test/oauth/tiktok/callback';

export const tokenDataSchema = z.strictObject({
  access_token: z.string().regex(/^ROW_[A-Za-z0-9_-]{40}$/),
  access_token_expire_in: z.number().int(),
  refresh_token: z.string().regex(/^ROW_[A-Za-z0-9_-]{40}$/),
  refresh_token_expire_in: z.number().int(),
  open_id: z.string().min(1),
  seller_name: z.string(),
  seller_base_region: z.string(),
  user_type: z.literal(0),
  granted_scopes: z.array(z.string()),
});
export type TokenData = z.infer<typeof tokenDataSchema>;

export const errorBodySchema = z.strictObject({
  code: z.number().int().refine((code) => code !== 0, 'an error code is never 0'),
  message: z.string().min(1),
  request_id: z.string().regex(/^\d{14}[0-9A-F]{20}$/),
  data: z.strictObject({}),
});

export function testApp(overrides: Partial<SandboxAppConfig> = {}): SandboxAppConfig {
  return { appKey: APP_KEY, appSecret: APP_SECRET, serviceId: SERVICE_ID, redirectUrl: REDIRECT_URL, ...overrides };
}

export function startTestSandbox(options: TikTokSandboxOptions = {}): Promise<TikTokSandbox> {
  return startTikTokSandbox({ logger: testLogger(), apps: [testApp()], ...options });
}

/** Footwear products with one SKU per size; each SKU starts with `quantity` units. */
export function shoes(count: number, prefix: string, sizes: string[] = ['23', '24', '25'], quantity = 4): SeedProduct[] {
  return Array.from({ length: count }, (_, index) => ({
    title: `Tacones ${prefix} ${index} Plata`,
    skus: sizes.map((size) => ({ sellerSku: `${prefix}${index}_PLATA${size}`, size, color: 'PLATA', price: 418, quantity })),
  }));
}

/** Calls a token endpoint with the app credentials in the query, as TikTok expects. */
export function tokenCall(sandbox: TikTokSandbox, path: '/api/v2/token/get' | '/api/v2/token/refresh', params: Record<string, string>): Promise<Response> {
  const query = new URLSearchParams({ app_key: APP_KEY, app_secret: APP_SECRET, ...params });
  return fetch(`${sandbox.url}${path}?${query.toString()}`);
}

/** Authorizes the test app for a seller without the HTML page and returns the token data. */
export async function connectSeller(sandbox: TikTokSandbox, openId: string): Promise<TokenData> {
  const code = sandbox.issueAuthorizationCode({ appKey: APP_KEY, openId });
  const response = await tokenCall(sandbox, '/api/v2/token/get', { auth_code: code, grant_type: 'authorized_code' });
  const body = z.object({ code: z.literal(0), data: tokenDataSchema }).parse(await response.json());
  return body.data;
}

/**
 * Test-side signer, written from TikTok's description without the product's code: secret, path,
 * sorted key+value pairs (minus sign and access_token), body, secret; HMAC-SHA256, lowercase hex.
 */
export function signRequest(appSecret: string, path: string, query: Record<string, string>, body: string): string {
  const pairs = Object.entries(query)
    .filter(([key]) => key !== 'sign' && key !== 'access_token')
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, value]) => key + value)
    .join('');
  return createHmac('sha256', appSecret).update(appSecret + path + pairs + body + appSecret).digest('hex');
}

export interface ApiCall {
  method?: 'GET' | 'POST';
  path: string;
  accessToken?: string;
  shopCipher?: string;
  query?: Record<string, string>;
  /** Raw body text; signed as given. */
  body?: string;
  /** Body sent instead of `body`, to test a body that differs from the signed one. */
  sentBody?: string;
  /** Unix seconds; now when not given. */
  timestamp?: number;
  appSecret?: string;
  /** Replaces the computed sign; null leaves sign out. */
  sign?: string | null;
}

/** Sends a signed Open API request and returns the response with its parsed JSON body. */
export async function apiCall(sandbox: TikTokSandbox, call: ApiCall): Promise<{ status: number; headers: Headers; body: unknown }> {
  const query: Record<string, string> = { app_key: APP_KEY, timestamp: String(call.timestamp ?? Math.floor(Date.now() / 1000)), ...call.query };
  if (call.shopCipher !== undefined) query.shop_cipher = call.shopCipher;
  const body = call.body ?? '';
  const sign = call.sign === undefined ? signRequest(call.appSecret ?? APP_SECRET, call.path, query, body) : call.sign;
  if (sign !== null) query.sign = sign;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (call.accessToken !== undefined) headers['x-tts-access-token'] = call.accessToken;
  const method = call.method ?? (body === '' ? 'GET' : 'POST');
  const response = await fetch(`${sandbox.url}${call.path}?${new URLSearchParams(query).toString()}`, {
    method,
    headers,
    body: method === 'GET' ? undefined : (call.sentBody ?? body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? null : (JSON.parse(text) as unknown) };
}

/** Reads `data` of a successful body, failing with the body when the code is not 0. */
export function dataOf<S extends z.ZodType>(body: unknown, schema: S): z.output<S> {
  const envelope = z.object({ code: z.literal(0), message: z.string(), request_id: z.string(), data: z.unknown() }).parse(body);
  return schema.parse(envelope.data);
}
