import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  startMercadoLibreSandbox,
  type MercadoLibreSandbox,
  type MercadoLibreSandboxOptions,
  type SeedItem,
} from '../../src/sandbox/mercadolibre/index.js';
import { testLogger } from '../support/logger.js';

export const CLIENT_ID = '4444555566667777';
export const CLIENT_SECRET = 'sandbox-test-secret';
// Never contacted: the tests read the redirect Location instead of following it.
export const REDIRECT_URI = 'https://app.example.test/oauth/mercadolibre/callback';

// RFC 7636 appendix B test vector.
export const PKCE_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
export const PKCE_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

export const INVALID_GRANT_BODY = {
  message: 'Error validating grant. Your authorization code or refresh token may be expired or it was already used.',
  error: 'invalid_grant',
  status: 400,
  cause: [],
};
export const INVALID_TOKEN_BODY = { message: 'invalid_token', error: 'not_found', status: 401, cause: [] };

export const tokenBodySchema = z.strictObject({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number(),
  scope: z.string(),
  user_id: z.number(),
  refresh_token: z.string(),
});
export type TokenBody = z.infer<typeof tokenBodySchema>;

export const notificationSchema = z.strictObject({
  _id: z.uuid(),
  resource: z.string(),
  user_id: z.number(),
  topic: z.enum(['items', 'orders_v2']),
  application_id: z.number(),
  attempts: z.number(),
  sent: z.iso.datetime(),
  received: z.iso.datetime(),
});

export function startTestSandbox(options: MercadoLibreSandboxOptions = {}): Promise<MercadoLibreSandbox> {
  return startMercadoLibreSandbox({
    logger: testLogger(),
    apps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI] }],
    ...options,
  });
}

/** Footwear listings with the given sizes; each size starts with `stock` units. */
export function shoes(count: number, prefix: string, sizes: string[] = ['23', '24', '25'], stock = 4): SeedItem[] {
  return Array.from({ length: count }, (_, index) => ({
    title: `Tacones ${prefix} ${index} Plata`,
    price: 418,
    brand: 'GABRIELAS',
    model: `${prefix}${index}`,
    variations: sizes.map((size) => ({
      sellerSku: `${prefix}${index}_PLATA${size}`,
      size,
      color: 'PLATA',
      price: 418,
      availableQuantity: stock,
    })),
  }));
}

export function postForm(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

export function exchangeCode(sandbox: MercadoLibreSandbox, code: string, codeVerifier = PKCE_VERIFIER): Promise<Response> {
  return postForm(`${sandbox.url}/oauth/token`, {
    grant_type: 'authorization_code',
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: codeVerifier,
  });
}

export function refresh(sandbox: MercadoLibreSandbox, refreshToken: string): Promise<Response> {
  return postForm(`${sandbox.url}/oauth/token`, {
    grant_type: 'refresh_token',
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    refresh_token: refreshToken,
  });
}

/** Authorizes the test app for a seller without the HTML page and returns the token response. */
export async function connectSeller(sandbox: MercadoLibreSandbox, userId: number): Promise<TokenBody> {
  const code = sandbox.issueAuthorizationCode({ clientId: CLIENT_ID, userId, redirectUri: REDIRECT_URI, codeChallenge: PKCE_CHALLENGE });
  const response = await exchangeCode(sandbox, code);
  if (response.status !== 200) throw new Error(`Token exchange failed with status ${response.status}: ${await response.text()}`);
  return tokenBodySchema.parse(await response.json());
}

export function apiGet(sandbox: MercadoLibreSandbox, path: string, accessToken?: string): Promise<Response> {
  const headers: Record<string, string> = accessToken ? { authorization: `Bearer ${accessToken}` } : {};
  return fetch(`${sandbox.url}${path}`, { headers });
}

export function apiPut(sandbox: MercadoLibreSandbox, path: string, accessToken: string, body: unknown): Promise<Response> {
  return fetch(`${sandbox.url}${path}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

export interface NotificationReceiver {
  url: string;
  /** Bodies received, parsed with notificationSchema. */
  received: Array<z.infer<typeof notificationSchema>>;
  close(): Promise<void>;
}

/**
 * Starts a notification receiver on a free port. `respond` chooses, per received notification
 * (0-based), how long to wait and which status to return.
 */
export async function startReceiver(
  respond: (index: number) => { delayMs: number; status: number } = () => ({ delayMs: 0, status: 200 }),
): Promise<NotificationReceiver> {
  const app: FastifyInstance = Fastify();
  const received: NotificationReceiver['received'] = [];
  app.post('/notifications', async (request, reply) => {
    const index = received.length;
    received.push(notificationSchema.parse(request.body));
    const { delayMs, status } = respond(index);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    return reply.code(status).send({ ok: status === 200 });
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('Receiver has no TCP address');
  return { url: `http://127.0.0.1:${address.port}/notifications`, received, close: () => app.close() };
}
