import { randomBytes } from 'node:crypto';

const UPPER_ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Creates an access or refresh token shaped like TikTok's non-US tokens: `ROW_` and 40 base64url characters. */
export function createToken(): string {
  return `ROW_${randomBytes(30).toString('base64url')}`;
}

/** Creates an authorization code such as `FeBoANmHP3yqdoUI9fZOCw` (22 base64url characters). */
export function createAuthorizationCode(): string {
  return randomBytes(16).toString('base64url');
}

/** Creates a seller open id of 54 base64url characters, the form of one of TikTok's examples. */
export function createOpenId(): string {
  return randomBytes(40).toString('base64url').slice(0, 54);
}

/** Creates a shop cipher: `GCP_` and 32 base64url characters. */
export function createShopCipher(): string {
  return `GCP_${randomBytes(24).toString('base64url')}`;
}

/** Creates a shop code: region followed by 8 upper-case letters and digits, e.g. MXLCTXQHN6. */
export function createShopCode(region: string): string {
  const bytes = randomBytes(8);
  let code = region;
  for (const byte of bytes) code += UPPER_ALPHANUMERIC[byte % UPPER_ALPHANUMERIC.length];
  return code;
}

/** Creates a request id like TikTok's: UTC yyyyMMddHHmmss followed by 20 upper-case hex digits. */
export function createRequestId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/\D/g, '').slice(0, 14);
  return stamp + randomBytes(10).toString('hex').toUpperCase();
}
