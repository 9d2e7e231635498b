import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Builds the message Shopify signs on OAuth redirects: every query parameter except `hmac` and the
 * legacy `signature`, sorted by key, written `key=value` with decoded values and joined with `&`.
 */
export function oauthHmacMessage(query: Readonly<Record<string, string>>): string {
  return Object.keys(query)
    .filter((key) => key !== 'hmac' && key !== 'signature')
    .sort()
    .map((key) => `${key}=${query[key] ?? ''}`)
    .join('&');
}

/** Computes the `hmac` parameter of an OAuth redirect: HMAC-SHA256 with the client secret, lowercase hex. */
export function computeOAuthHmac(query: Readonly<Record<string, string>>, clientSecret: string): string {
  return createHmac('sha256', clientSecret).update(oauthHmacMessage(query), 'utf8').digest('hex');
}

/** Checks the `hmac` parameter of an OAuth redirect against each secret, in constant time. */
export function verifyOAuthHmac(query: Readonly<Record<string, string>>, clientSecrets: readonly string[]): boolean {
  const received = query.hmac;
  if (received === undefined || received === '') return false;
  return clientSecrets.some((secret) => constantTimeEqual(computeOAuthHmac(query, secret), received));
}

/** Computes `X-Shopify-Hmac-Sha256`: base64 HMAC-SHA256 of the raw body bytes with the client secret. */
export function computeWebhookHmac(rawBody: string | Buffer, clientSecret: string): string {
  return createHmac('sha256', clientSecret).update(rawBody).digest('base64');
}

/**
 * Checks `X-Shopify-Hmac-Sha256` against each secret. The body must be the bytes as received: a
 * re-serialized JSON body differs in spacing, key order or escapes and fails the check.
 */
export function verifyWebhookHmac(rawBody: string | Buffer, received: string, clientSecrets: readonly string[]): boolean {
  if (received === '') return false;
  return clientSecrets.some((secret) => constantTimeEqual(computeWebhookHmac(rawBody, secret), received));
}

/** Compares two strings in constant time; a length mismatch is a failed check, never an exception. */
export function constantTimeEqual(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
