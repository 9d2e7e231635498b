import { reportSandboxSecret } from '../shared/secrets.js';
import { lowerHex, upperHex32 } from './crypto.js';

/** tempTokens are valid for 10 minutes and can be exchanged once. */
export const TEMP_TOKEN_TTL_MS = 10 * 60 * 1000;

interface TempTokenRecord {
  appId: string;
  supplierId: number;
  state: string;
  expiresAt: number;
  used: boolean;
}

export type KeyStatus = 'active' | 'expired' | 'revoked';

export interface KeyRecord {
  openKeyId: string;
  secretKey: string;
  appId: string;
  supplierId: number;
  status: KeyStatus;
}

export type ExchangeResult = { ok: true; key: KeyRecord; state: string } | { ok: false; reason: string };

/** tempTokens and seller keys (openKeyId + secretKey), and which seller authorized which app. */
export class CredentialStore {
  private readonly tempTokens = new Map<string, TempTokenRecord>();
  private readonly keys = new Map<string, KeyRecord>();

  issueTempToken(appId: string, supplierId: number, state: string, now: number): string {
    const token = lowerHex(16);
    reportSandboxSecret('SHEIN', 'authorization_code', token);
    this.tempTokens.set(token, { appId, supplierId, state, expiresAt: now + TEMP_TOKEN_TTL_MS, used: false });
    return token;
  }

  /**
   * Exchanges a tempToken for a new key pair. The seller's earlier keys for the same app stop
   * working: an authorization replaces the previous one.
   */
  exchange(appId: string, tempToken: string, now: number): ExchangeResult {
    const record = this.tempTokens.get(tempToken);
    if (!record) return { ok: false, reason: 'unknown tempToken' };
    if (record.appId !== appId) return { ok: false, reason: 'tempToken was issued to another app' };
    if (record.used) return { ok: false, reason: 'tempToken was already used' };
    if (record.expiresAt <= now) return { ok: false, reason: 'tempToken expired' };
    record.used = true;

    for (const key of this.keys.values()) {
      if (key.appId === appId && key.supplierId === record.supplierId && key.status === 'active') key.status = 'revoked';
    }
    const key: KeyRecord = { openKeyId: upperHex32(), secretKey: upperHex32(), appId, supplierId: record.supplierId, status: 'active' };
    reportSandboxSecret('SHEIN', 'seller_secret_key', key.secretKey);
    this.keys.set(key.openKeyId, key);
    return { ok: true, key, state: record.state };
  }

  /**
   * Issues a key pair the way the seller portal hands one to a seller who copies it by hand. Unlike
   * an authorization, it leaves the seller's earlier keys working.
   */
  issuePortalKeys(appId: string, supplierId: number): KeyRecord {
    const key: KeyRecord = { openKeyId: upperHex32(), secretKey: upperHex32(), appId, supplierId, status: 'active' };
    reportSandboxSecret('SHEIN', 'seller_secret_key', key.secretKey);
    this.keys.set(key.openKeyId, key);
    return key;
  }

  findKey(openKeyId: string): KeyRecord | undefined {
    return this.keys.get(openKeyId);
  }

  /** Active keys of a seller, one per authorized app. */
  activeKeys(supplierId: number): KeyRecord[] {
    return [...this.keys.values()].filter((key) => key.supplierId === supplierId && key.status === 'active');
  }

  expire(supplierId: number | undefined): void {
    for (const key of this.keys.values()) {
      if (key.status === 'active' && (supplierId === undefined || key.supplierId === supplierId)) key.status = 'expired';
    }
  }

  revoke(supplierId: number, appId: string | undefined): void {
    for (const key of this.keys.values()) {
      if (key.supplierId === supplierId && (appId === undefined || key.appId === appId)) key.status = 'revoked';
    }
    for (const token of this.tempTokens.values()) {
      if (token.supplierId === supplierId && (appId === undefined || token.appId === appId)) token.used = true;
    }
  }
}
