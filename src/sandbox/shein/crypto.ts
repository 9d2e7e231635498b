import { createCipheriv, createDecipheriv, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/*
 * SHEIN's request signature and AES scheme, written for the sandbox on its own so that the
 * connector is checked against a second implementation.
 */

const FIXED_IV = Buffer.from('space-station-default-iv', 'utf8').subarray(0, 16);
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** randomKey + base64(hex HMAC-SHA256(secret + randomKey, `keyId&timestamp&path`)). */
export function sign(keyId: string, secret: string, path: string, timestamp: string, randomKey: string): string {
  const digestHex = createHmac('sha256', `${secret}${randomKey}`).update([keyId, timestamp, path].join('&')).digest('hex');
  return randomKey + Buffer.from(digestHex).toString('base64');
}

/** Checks a signature in constant time; its first five characters are the random key. */
export function signatureMatches(keyId: string, secret: string, path: string, timestamp: string, signature: string): boolean {
  if (signature.length < 6) return false;
  const expected = Buffer.from(sign(keyId, secret, path, timestamp, signature.slice(0, 5)));
  const received = Buffer.from(signature);
  return expected.length === received.length && timingSafeEqual(expected, received);
}

export function randomAlphanumeric(length: number): string {
  return Array.from({ length }, () => ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]).join('');
}

function keyOf(secret: string): Buffer {
  const key = Buffer.alloc(16, 0);
  key.set(Buffer.from(secret, 'utf8').subarray(0, 16));
  return key;
}

/** AES-128-CBC with PKCS7, the secret's first 16 bytes as key and the fixed IV; base64 output. */
export function encryptFixedIv(plaintext: string, secret: string): string {
  const cipher = createCipheriv('aes-128-cbc', keyOf(secret), FIXED_IV);
  return Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

/** Inverse of encryptFixedIv; throws on a wrong key or altered ciphertext (bad padding). */
export function decryptFixedIv(ciphertext: string, secret: string): string {
  const decipher = createDecipheriv('aes-128-cbc', keyOf(secret), FIXED_IV);
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8');
}

/** 32 uppercase hex characters, the format of SHEIN open key ids and secret keys. */
export function upperHex32(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

/** Lowercase hex id for traceId and tempToken values. */
export function lowerHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
