import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

function twoDigits(value: number): string {
  return String(value).padStart(2, '0');
}

/** Creates an access token shaped `APP_USR-{appId}-{MMDDHH}-{32 hex}-{userId}`, with the date part in UTC. */
export function createAccessToken(applicationId: number, userId: number, now: Date): string {
  const stamp = twoDigits(now.getUTCMonth() + 1) + twoDigits(now.getUTCDate()) + twoDigits(now.getUTCHours());
  return `APP_USR-${applicationId}-${stamp}-${randomBytes(16).toString('hex')}-${userId}`;
}

/** Creates an authorization code or refresh token shaped `TG-{24 hex}-{userId}`. */
export function createGrantToken(userId: number): string {
  return `TG-${randomBytes(12).toString('hex')}-${userId}`;
}

/** Computes the PKCE S256 challenge: base64url(SHA-256(verifier)) without padding (RFC 7636 section 4.2). */
export function computeS256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** Checks a code_verifier against the stored S256 code_challenge in constant time. */
export function verifyS256(verifier: string, challenge: string): boolean {
  const expected = Buffer.from(challenge, 'utf8');
  const actual = Buffer.from(computeS256Challenge(verifier), 'utf8');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Creates an opaque scroll id for scan-mode item searches. */
export function createScrollId(): string {
  return randomBytes(24).toString('base64url');
}
