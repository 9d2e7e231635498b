import { createDecipheriv, createHmac } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { startSheinSandbox, type SeedProduct, type SheinSandbox, type SheinSandboxOptions } from '../../src/sandbox/shein/index.js';
import { testLogger } from '../support/logger.js';

export const APP_ID = '3C5E7A9B1D2F40618293A4B5C6D7E';
export const APP_SECRET = 'B2D4F6A8C0E1325476980ABCDEF13579';
// Never contacted: the tests read the redirect Location instead of following it.
export const REDIRECT_URL = 'https://app.example.test/oauth/shein/callback';

/** SHEIN's error envelope, exactly. */
export const errorEnvelopeSchema = z.strictObject({
  code: z.string().regex(/^[1-9]\d*$/),
  msg: z.string().min(1),
  info: z.null(),
  traceId: z.string().regex(/^[0-9a-f]{32}$/),
});

export interface SellerKeys {
  openKeyId: string;
  secretKey: string;
  supplierId: number;
}

export function startTestSandbox(options: SheinSandboxOptions & { webhookUrl?: string } = {}): Promise<SheinSandbox> {
  const { webhookUrl, ...rest } = options;
  return startSheinSandbox({
    logger: testLogger(),
    requestSpacingMs: 0,
    apps: [{ appId: APP_ID, appSecret: APP_SECRET, redirectUrls: [REDIRECT_URL], webhookUrl }],
    ...rest,
  });
}

/** Computes the signature again from the published description, independent of the product code. */
export function signFor(keyId: string, secret: string, path: string, timestamp: string, randomKey = 'k7Q2z'): string {
  const hex = createHmac('sha256', secret + randomKey).update(`${keyId}&${timestamp}&${path}`).digest('hex');
  return randomKey + Buffer.from(hex).toString('base64');
}

export function decrypt(base64: string, secret: string): string {
  const key = Buffer.alloc(16);
  Buffer.from(secret).copy(key, 0, 0, 16);
  const decipher = createDecipheriv('aes-128-cbc', key, Buffer.from('space-station-de'));
  return Buffer.concat([decipher.update(Buffer.from(base64, 'base64')), decipher.final()]).toString('utf8');
}

export function postJson(sandbox: SheinSandbox, path: string, body: unknown, headers: Record<string, string>): Promise<Response> {
  return fetch(`${sandbox.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json;charset=UTF-8', ...headers },
    body: JSON.stringify(body),
  });
}

/** POSTs a seller API call signed with the keys; `timestamp` and `secret` can be overridden to test rejections. */
export function sellerPost(
  sandbox: SheinSandbox,
  keys: SellerKeys,
  path: string,
  body: unknown,
  options: { timestamp?: number; secret?: string } = {},
): Promise<Response> {
  const timestamp = String(options.timestamp ?? Date.now());
  return postJson(sandbox, path, body, {
    'x-lt-openKeyId': keys.openKeyId,
    'x-lt-timestamp': timestamp,
    'x-lt-signature': signFor(keys.openKeyId, options.secret ?? keys.secretKey, path, timestamp),
  });
}

/** Calls get-by-token signed with the app keys. */
export function exchange(sandbox: SheinSandbox, tempToken: string, secret = APP_SECRET): Promise<Response> {
  const path = '/open-api/auth/get-by-token';
  const timestamp = String(Date.now());
  return postJson(sandbox, path, { tempToken }, { 'x-lt-appid': APP_ID, 'x-lt-timestamp': timestamp, 'x-lt-signature': signFor(APP_ID, secret, path, timestamp) });
}

const tokenEnvelopeSchema = z.object({
  code: z.literal('0'),
  info: z.object({ openKeyId: z.string(), secretKey: z.string(), supplierId: z.number() }),
});

/** Authorizes the app for a seller without the HTML page and returns the decrypted keys. */
export async function connectSeller(sandbox: SheinSandbox, supplierId: number): Promise<SellerKeys> {
  const response = await exchange(sandbox, sandbox.issueAuthorizationCode({ appId: APP_ID, supplierId }));
  if (response.status !== 200) throw new Error(`Key exchange failed with status ${response.status}: ${await response.text()}`);
  const { info } = tokenEnvelopeSchema.parse(await response.json());
  return { openKeyId: info.openKeyId, secretKey: decrypt(info.secretKey, APP_SECRET), supplierId: info.supplierId };
}

/** Footwear models with one colour and the given sizes; each size starts with `quantity` units. */
export function shoes(count: number, prefix: string, sizes: string[] = ['23', '24', '25'], quantity = 4): SeedProduct[] {
  return Array.from({ length: count }, (_, index) => ({
    title: `Tacones ${prefix} ${index} Plata`,
    price: 418,
    skcs: [{ color: 'Plata', sizes: sizes.map((size) => ({ size, sellerSku: `${prefix}${index}_PLATA${size}`, quantity })) }],
  }));
}

export interface WebhookReceiver {
  url: string;
  received: Array<{ headers: Record<string, string | string[] | undefined>; rawBody: string }>;
  close(): Promise<void>;
}

/** Starts a callback receiver on a free port; `statusFor` picks the response status for the n-th callback (0-based). */
export async function startReceiver(statusFor: (index: number) => number = () => 200): Promise<WebhookReceiver> {
  const app: FastifyInstance = Fastify();
  const received: WebhookReceiver['received'] = [];
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.post('/hooks/shein-events', async (request, reply) => {
    const index = received.length;
    received.push({ headers: request.headers, rawBody: String(request.body) });
    return reply.code(statusFor(index)).send({ ok: true });
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('Receiver has no TCP address');
  return { url: `http://127.0.0.1:${address.port}/hooks/shein-events`, received, close: () => app.close() };
}
