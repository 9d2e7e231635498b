import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Offline access token: `shpat_` and 32 hex characters. */
export function createAccessToken(): string {
  return `shpat_${randomBytes(16).toString('hex')}`;
}

/** Refresh token of an expiring offline token: `shprt_` and 32 hex characters. */
export function createRefreshToken(): string {
  return `shprt_${randomBytes(16).toString('hex')}`;
}

/** Authorization code: 32 hex characters, like the one in Shopify's HMAC example. */
export function createAuthorizationCode(): string {
  return randomBytes(16).toString('hex');
}

/** Signs a redirect query as Shopify does: sorted `k=v` pairs joined with `&`, HMAC-SHA256 hex. */
export function signQuery(query: Readonly<Record<string, string>>, secret: string): string {
  const message = Object.keys(query)
    .filter((key) => key !== 'hmac' && key !== 'signature')
    .sort()
    .map((key) => `${key}=${query[key] ?? ''}`)
    .join('&');
  return createHmac('sha256', secret).update(message, 'utf8').digest('hex');
}

/** Signs a webhook body: base64 HMAC-SHA256 of the raw bytes. */
export function signWebhookBody(rawBody: string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody, 'utf8').digest('base64');
}

/** Compares secrets in constant time; different lengths do not match. */
export function secretsEqual(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
