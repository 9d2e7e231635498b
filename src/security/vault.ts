import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT_VERSION = 'v1';

export interface VaultKey {
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

/** Binds a ciphertext to the row it belongs to, so a value copied elsewhere fails to decrypt. */
export interface VaultContext {
  tenantId: string;
  /** Connection id, or another stable id of the owning row (an OAuth state id). */
  ownerId: string;
  /** Kind of secret (`access_token`, `refresh_token`, `code_verifier`). */
  purpose: string;
}

export class VaultError extends Error {
  override name = 'VaultError';
}

/**
 * Parses `ENCRYPTION_KEYS` (`id:base64key,id2:base64key2`, newest first). The first key encrypts and
 * every key decrypts, so a rotation adds a key in front and removes the old one after re-encryption.
 */
export function parseKeyRing(value: string): VaultKey[] {
  const keys = value.split(',').map((entry) => {
    const [id, encoded] = entry.split(':');
    const key = Buffer.from(encoded ?? '', 'base64');
    if (!id || key.length !== 32) {
      throw new VaultError(`Encryption key "${id ?? ''}" must be 32 bytes encoded as base64 (got ${key.length} bytes). Generate one with: openssl rand -base64 32`);
    }
    return { id, key };
  });
  const ids = new Set(keys.map((key) => key.id));
  if (ids.size !== keys.length) throw new VaultError('ENCRYPTION_KEYS lists the same key id twice; give every key its own id.');
  return keys;
}

export function generateKey(id: string): VaultKey {
  return { id, key: randomBytes(32) };
}

/**
 * AES-256-GCM encryption of credentials. Output format: `v1.<keyId>.<iv>.<tag>.<ciphertext>`, each part
 * base64url, with the tenant, owner and purpose as additional authenticated data.
 */
export class Vault {
  private readonly keys: Map<string, Buffer>;
  private readonly current: VaultKey;

  constructor(keys: VaultKey[]) {
    if (keys.length === 0) throw new VaultError('The vault needs at least one encryption key.');
    this.current = keys[0]!;
    this.keys = new Map(keys.map((key) => [key.id, key.key]));
  }

  get currentKeyId(): string {
    return this.current.id;
  }

  encrypt(plaintext: string, context: VaultContext): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.current.key, iv);
    cipher.setAAD(additionalData(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'));
    return [FORMAT_VERSION, this.current.id, ...parts].join('.');
  }

  decrypt(sealed: string, context: VaultContext): string {
    const [version, keyId, iv, tag, ciphertext] = sealed.split('.');
    if (version !== FORMAT_VERSION || !keyId || !iv || !tag || ciphertext === undefined) {
      throw new VaultError('Stored secret has an unknown format; reconnect the marketplace account.');
    }
    const key = this.keys.get(keyId);
    if (!key) throw new VaultError(`Stored secret was encrypted with key "${keyId}", which is not in this process's ENCRYPTION_KEYS; add that key to ENCRYPTION_KEYS of every api and worker process and restart them.`);
    const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
    decipher.setAAD(additionalData(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new VaultError('Stored secret failed authentication: it was altered or belongs to another row.');
    }
  }

  /** Key id a sealed value was encrypted with, for rotation. */
  static keyIdOf(sealed: string): string | undefined {
    return sealed.split('.')[1];
  }
}

function additionalData(context: VaultContext): Buffer {
  return Buffer.from(JSON.stringify([context.tenantId, context.ownerId, context.purpose]), 'utf8');
}
