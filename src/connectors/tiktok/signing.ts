import { createHmac } from 'node:crypto';

/** Query parameters that never take part in the signature. */
const UNSIGNED_PARAMETERS: ReadonlySet<string> = new Set(['sign', 'access_token']);

export interface SignInput {
  appSecret: string;
  /** Request path without host and query, e.g. /product/202309/products/1/inventory/update. */
  path: string;
  /** Query parameters as sent, decoded. `sign` and `access_token` are left out of the signature. */
  query: Readonly<Record<string, string>>;
  /** The exact body text that is sent; empty or omitted for a request without body. */
  body?: string;
}

/**
 * Builds the text TikTok Shop signs: secret + path + each query key and value sorted by key (no
 * separators) + body + secret. Keys sort by UTF-16 code unit, which equals byte order for the
 * ASCII names TikTok uses.
 */
export function buildSignPayload(input: SignInput): string {
  const keys = Object.keys(input.query)
    .filter((key) => !UNSIGNED_PARAMETERS.has(key))
    .sort();
  let payload = input.path;
  for (const key of keys) {
    payload += key + (input.query[key] ?? '');
  }
  payload += input.body ?? '';
  return input.appSecret + payload + input.appSecret;
}

/** Computes the `sign` query parameter: lowercase hex HMAC-SHA256 keyed with the app secret. */
export function computeSign(input: SignInput): string {
  return createHmac('sha256', input.appSecret).update(buildSignPayload(input), 'utf8').digest('hex');
}
