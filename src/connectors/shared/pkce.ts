import { createHash, randomBytes } from 'node:crypto';

export interface PkcePair {
  verifier: string;
  challenge: string;
  method: 'S256';
}

/** RFC 7636 section 4.1: 43 to 128 characters from the unreserved set. */
const VERIFIER_PATTERN = /^[A-Za-z0-9\-._~]{43,128}$/;

/** Creates a PKCE verifier (32 random bytes, base64url, 43 characters) and its S256 challenge. */
export function createPkcePair(): PkcePair {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: pkceChallenge(verifier), method: 'S256' };
}

/** Computes the S256 challenge: base64url(SHA-256(ASCII verifier)) without padding. */
export function pkceChallenge(verifier: string): string {
  if (!VERIFIER_PATTERN.test(verifier)) {
    // The verifier is a secret, so the message gives its length only.
    throw new RangeError(
      `Invalid PKCE code verifier (length ${verifier.length}): expected 43 to 128 characters from A-Z, a-z, 0-9, "-", ".", "_", "~".`,
    );
  }
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}
