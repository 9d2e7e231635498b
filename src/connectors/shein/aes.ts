import { createDecipheriv } from 'node:crypto';

/** First 16 bytes of "space-station-default-iv": the fixed IV SHEIN uses for secret keys and event data. */
export const SHEIN_FIXED_IV = Buffer.from('space-station-default-iv', 'utf8').subarray(0, 16);

const BASE64_PATTERN = /^[A-Za-z0-9+/]+={0,2}$/;

/** AES-128 key from a secret: its first 16 UTF-8 bytes, zero-padded when shorter. */
export function aesKeyFromSecret(secret: string): Buffer {
  const key = Buffer.alloc(16);
  Buffer.from(secret, 'utf8').copy(key, 0, 0, 16);
  return key;
}

/**
 * Decrypts base64 AES-128-CBC (PKCS7) ciphertext made with `secret` and the fixed IV, as SHEIN
 * encrypts the seller's secret key and event callbacks. Returns null when the input is not base64
 * of whole blocks or the padding is wrong (a wrong secret or altered ciphertext), never throws.
 */
export function decryptWithFixedIv(ciphertextBase64: string, secret: string): string | null {
  const text = ciphertextBase64.trim();
  if (!BASE64_PATTERN.test(text) || text.length % 4 !== 0) {
    return null;
  }
  const ciphertext = Buffer.from(text, 'base64');
  if (ciphertext.length === 0 || ciphertext.length % 16 !== 0) {
    return null;
  }
  try {
    const decipher = createDecipheriv('aes-128-cbc', aesKeyFromSecret(secret), SHEIN_FIXED_IV);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    // A padding error is the only failure left after the checks above: wrong key or altered bytes.
    return null;
  }
}
