import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Computes TikTok's request signature on the sandbox side. It is written apart from the
 * connector's signer on purpose, so each checks the other. Steps: drop `sign` and `access_token`,
 * sort the remaining query keys, join key and value pairs without separators, put the path in
 * front and the raw body behind, wrap in the secret, then HMAC-SHA256 with the secret, lowercase
 * hex.
 */
export function expectedSign(appSecret: string, path: string, query: URLSearchParams, rawBody: string): string {
  const pairs: Array<[string, string]> = [];
  for (const [key, value] of query) {
    if (key !== 'sign' && key !== 'access_token') pairs.push([key, value]);
  }
  // Byte order of the ASCII keys, which is what a plain string comparison gives.
  pairs.sort(([a], [b]) => {
    if (a === b) return 0;
    return a < b ? -1 : 1;
  });
  const parts = [appSecret, path, ...pairs.map(([key, value]) => `${key}${value}`), rawBody, appSecret];
  return createHmac('sha256', appSecret).update(parts.join(''), 'utf8').digest('hex');
}

/** Compares two signatures in constant time; different lengths never match and never throw. */
export function signaturesEqual(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Computes a webhook's `Authorization` header: lowercase hex HMAC-SHA256(app secret, app key + body). */
export function webhookSignature(appKey: string, appSecret: string, rawBody: string): string {
  return createHmac('sha256', appSecret).update(`${appKey}${rawBody}`, 'utf8').digest('hex');
}
