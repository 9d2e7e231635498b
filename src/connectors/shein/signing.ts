import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

const RANDOM_KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Length of the random prefix of every signature. */
export const RANDOM_KEY_LENGTH = 5;

export interface SignatureInput {
  /** The seller's openKeyId for API calls; the appid for app-level calls and event callbacks. */
  keyId: string;
  /** The seller's decrypted secret key, or the app secret, matching `keyId`. */
  secret: string;
  /** Request path only: starts with "/", no host and no query. */
  path: string;
  /** Milliseconds since the epoch, as sent in `x-lt-timestamp`. */
  timestamp: string;
  /** Five alphanumerics chosen per request; also the first five characters of the signature. */
  randomKey: string;
}

/** Creates the per-request random key: five alphanumerics from a CSPRNG. */
export function createRandomKey(): string {
  let key = '';
  for (let index = 0; index < RANDOM_KEY_LENGTH; index += 1) {
    key += RANDOM_KEY_ALPHABET.charAt(randomInt(RANDOM_KEY_ALPHABET.length));
  }
  return key;
}

/**
 * Computes the SHEIN `x-lt-signature`: randomKey + base64(lowercase hex HMAC-SHA256 with key
 * `secret + randomKey` over `keyId&timestamp&path`). SHEIN base64-encodes the hex text, not the raw
 * digest.
 */
export function computeSignature(input: SignatureInput): string {
  if (!input.path.startsWith('/') || input.path.includes('?')) {
    throw new TypeError(`SHEIN signatures cover the path only: expected "/..." without query, got "${input.path}".`);
  }
  if (input.randomKey.length !== RANDOM_KEY_LENGTH) {
    throw new TypeError(`SHEIN signature randomKey must have ${RANDOM_KEY_LENGTH} characters, got ${input.randomKey.length}.`);
  }
  const value = `${input.keyId}&${input.timestamp}&${input.path}`;
  const hex = createHmac('sha256', input.secret + input.randomKey).update(value, 'utf8').digest('hex');
  return input.randomKey + Buffer.from(hex, 'utf8').toString('base64');
}

/**
 * Checks a received signature in constant time, taking its random key from its first five
 * characters. A signature of the wrong length or form fails the check; it never throws.
 */
export function verifySignature(input: Omit<SignatureInput, 'randomKey'> & { signature: string }): boolean {
  if (input.signature.length <= RANDOM_KEY_LENGTH || !input.path.startsWith('/') || input.path.includes('?')) {
    return false;
  }
  const expected = Buffer.from(computeSignature({ ...input, randomKey: input.signature.slice(0, RANDOM_KEY_LENGTH) }), 'utf8');
  const received = Buffer.from(input.signature, 'utf8');
  return expected.length === received.length && timingSafeEqual(expected, received);
}

/** Builds the signing headers of an API call made for a seller (openKeyId and secret key). */
export function sellerSignatureHeaders(openKeyId: string, secretKey: string, path: string, now: number = Date.now()): Record<string, string> {
  const timestamp = String(now);
  return {
    'x-lt-openKeyId': openKeyId,
    'x-lt-timestamp': timestamp,
    'x-lt-signature': computeSignature({ keyId: openKeyId, secret: secretKey, path, timestamp, randomKey: createRandomKey() }),
  };
}

/** Builds the signing headers of an app-level call (appid and app secret), such as the key exchange. */
export function appSignatureHeaders(appId: string, appSecret: string, path: string, now: number = Date.now()): Record<string, string> {
  const timestamp = String(now);
  return {
    'x-lt-appid': appId,
    'x-lt-timestamp': timestamp,
    'x-lt-signature': computeSignature({ keyId: appId, secret: appSecret, path, timestamp, randomKey: createRandomKey() }),
  };
}
