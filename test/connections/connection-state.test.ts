import { describe, expect, it } from 'vitest';
import { authorizationExpiresAt, isAuthorizationExpiringSoon, MERCADOLIBRE_REFRESH_TOKEN_IDLE_DAYS } from '../../src/connections/authorization-expiry.js';
import { CONNECTION_STATUS_REASONS, readConnectionState, STATUS_REASONS } from '../../src/connections/connection-state.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { ConnectionStatus, Marketplace } from '../../src/entities/index.js';
import { isMessageKey } from '../../src/i18n/index.js';

const DAY_MS = 86_400_000;

describe('readConnectionState', () => {
  const changedAt = new Date('2026-12-05T10:00:00Z');

  it('keeps a reason allowed for the status', () => {
    expect(readConnectionState({ status: ConnectionStatus.NEEDS_REAUTH, statusReason: 'refresh_rejected', statusChangedAt: changedAt }))
      .toEqual({ status: ConnectionStatus.NEEDS_REAUTH, reason: 'refresh_rejected', changedAt });
  });

  it('drops a missing, unknown or mismatched reason', () => {
    for (const statusReason of [null, 'reason-from-an-older-version', 'refresh_rejected']) {
      expect(readConnectionState({ status: ConnectionStatus.ACTIVE, statusReason, statusChangedAt: changedAt }).reason, String(statusReason)).toBeNull();
    }
  });

  it('has a merchant text for every reason', () => {
    expect(STATUS_REASONS[ConnectionStatus.PENDING]).toEqual([]);
    for (const reason of CONNECTION_STATUS_REASONS) {
      expect(isMessageKey(`connectionStatus.reasons.${reason}`), reason).toBe(true);
    }
  });
});

describe('authorizationExpiresAt', () => {
  const updatedAt = new Date('2026-12-01T00:00:00Z');
  const refreshTokenExpiresAt = new Date('2027-06-01T00:00:00Z');

  it('uses the refresh token expiry the marketplace returned', () => {
    for (const marketplace of [Marketplace.TIKTOK, Marketplace.SHOPIFY, Marketplace.MERCADOLIBRE]) {
      expect(authorizationExpiresAt(marketplace, { refreshTokenExpiresAt, refreshTokenCiphertext: 'ciphertext', updatedAt }), marketplace).toEqual(refreshTokenExpiresAt);
    }
  });

  it('estimates MercadoLibre from the last time tokens were stored', () => {
    expect(authorizationExpiresAt(Marketplace.MERCADOLIBRE, { refreshTokenExpiresAt: null, refreshTokenCiphertext: 'ciphertext', updatedAt }))
      .toEqual(new Date(updatedAt.getTime() + MERCADOLIBRE_REFRESH_TOKEN_IDLE_DAYS * DAY_MS));
  });

  it('is null without a known lapse date', () => {
    expect(authorizationExpiresAt(Marketplace.SHEIN, { refreshTokenExpiresAt: null, refreshTokenCiphertext: null, updatedAt })).toBeNull();
    expect(authorizationExpiresAt(Marketplace.SHOPIFY, { refreshTokenExpiresAt: null, refreshTokenCiphertext: null, updatedAt })).toBeNull();
    expect(authorizationExpiresAt(Marketplace.MERCADOLIBRE, { refreshTokenExpiresAt: null, refreshTokenCiphertext: null, updatedAt })).toBeNull();
    expect(authorizationExpiresAt(Marketplace.TIKTOK, null)).toBeNull();
  });
});

describe('isAuthorizationExpiringSoon', () => {
  const now = new Date('2026-12-05T00:00:00Z');
  const inDays = (days: number) => new Date(now.getTime() + days * DAY_MS);

  it.each([
    [null, false],
    [inDays(7.01), false],
    [inDays(7), true],
    [inDays(1), true],
    [inDays(-3), true],
  ])('reports %s as %s with a 7-day window', (expiresAt, expected) => {
    expect(isAuthorizationExpiringSoon(expiresAt, 7, now)).toBe(expected);
  });
});

describe('AUTHORIZATION_EXPIRY_WARNING_DAYS', () => {
  it('defaults to 7 days', () => {
    expect(loadConfig({}).AUTHORIZATION_EXPIRY_WARNING_DAYS).toBe(7);
    expect(loadConfig({ AUTHORIZATION_EXPIRY_WARNING_DAYS: '' }).AUTHORIZATION_EXPIRY_WARNING_DAYS).toBe(7);
    expect(loadConfig({ AUTHORIZATION_EXPIRY_WARNING_DAYS: '30' }).AUTHORIZATION_EXPIRY_WARNING_DAYS).toBe(30);
  });

  it('rejects zero, negative and fractional values', () => {
    for (const value of ['0', '-2', '1.5', 'siete']) {
      expect(() => loadConfig({ AUTHORIZATION_EXPIRY_WARNING_DAYS: value }), value).toThrow(ConfigError);
    }
    expect(() => loadConfig({ AUTHORIZATION_EXPIRY_WARNING_DAYS: '0' })).toThrow(/AUTHORIZATION_EXPIRY_WARNING_DAYS has an invalid value: AUTHORIZATION_EXPIRY_WARNING_DAYS must be greater than 0/);
  });
});
