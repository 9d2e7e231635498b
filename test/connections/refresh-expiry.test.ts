import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS, readPositiveSeconds, resolveTokenExpiry, type TokenExpiryRule } from '../../src/connectors/shared/token-expiry.js';
import { refreshAccessToken, type ShopifyConfig } from '../../src/connectors/shopify/index.js';
import { startShopifySandbox, type ShopifySandbox } from '../../src/sandbox/shopify/index.js';
import { footwearProducts, sandboxApp, sandboxConfig } from '../connectors/shopify-fixtures.js';
import { testLogger } from '../support/logger.js';

const NOW = Date.UTC(2026, 11, 5, 12, 0, 0);
const HOUR_MS = 3600_000;

const lifetimeRule: TokenExpiryRule = { field: 'test expires_in', unit: 'lifetime', maxLifetimeSeconds: 6 * 3600 };
const timestampRule: TokenExpiryRule = { field: 'test expire_at', unit: 'timestamp', maxLifetimeSeconds: 7 * 24 * 3600, fallbackSeconds: 24 * 3600 };

describe('resolveTokenExpiry', () => {
  it('reads valid values without a warning', () => {
    const logger = testLogger();
    const warn = vi.spyOn(logger, 'warn');

    expect(resolveTokenExpiry(3600, lifetimeRule, { nowMs: NOW, logger }).getTime()).toBe(NOW + HOUR_MS);
    expect(resolveTokenExpiry(' 7200 ', lifetimeRule, { nowMs: NOW, logger }).getTime()).toBe(NOW + 2 * HOUR_MS);
    expect(resolveTokenExpiry(NOW / 1000 + 3600, timestampRule, { nowMs: NOW, logger }).getTime()).toBe(NOW + HOUR_MS);
    expect(warn).not.toHaveBeenCalled();
  });

  it('falls back to one hour for odd values', () => {
    const odd: unknown[] = [undefined, null, '', 'soon', '12.5', '-60', 0, -60, Number.NaN, Number.POSITIVE_INFINITY, true, { seconds: 3600 }, [3600]];
    for (const value of odd) {
      const logger = testLogger();
      const warn = vi.spyOn(logger, 'warn');

      const expiresAt = resolveTokenExpiry(value, lifetimeRule, { nowMs: NOW, logger });

      expect(expiresAt.getTime(), `value ${String(value)}`).toBe(NOW + DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS * 1000);
      expect(warn, `value ${String(value)}`).toHaveBeenCalledTimes(1);
    }
  });

  it('caps values past the documented maximum', () => {
    expect(resolveTokenExpiry(10 ** 12, lifetimeRule, { nowMs: NOW }).getTime()).toBe(NOW + 6 * HOUR_MS);
    expect(resolveTokenExpiry(NOW / 1000 + 365 * 24 * 3600, timestampRule, { nowMs: NOW }).getTime()).toBe(NOW + 7 * 24 * HOUR_MS);
  });

  it('reads timestamp rule edge values', () => {
    expect(resolveTokenExpiry('soon', timestampRule, { nowMs: NOW }).getTime()).toBe(NOW + 24 * HOUR_MS);
    expect(resolveTokenExpiry(3600, timestampRule, { nowMs: NOW }).getTime()).toBe(NOW + HOUR_MS);
    expect(resolveTokenExpiry(NOW / 1000 - 60, timestampRule, { nowMs: NOW }).getTime()).toBe(NOW);
  });

  it('keeps the fallback within the maximum', () => {
    const shortRule: TokenExpiryRule = { field: 'short', unit: 'lifetime', maxLifetimeSeconds: 600 };

    expect(resolveTokenExpiry(undefined, shortRule, { nowMs: NOW }).getTime()).toBe(NOW + 600_000);
  });

  it('reads positive seconds only', () => {
    expect(readPositiveSeconds(90)).toBe(90);
    expect(readPositiveSeconds('90')).toBe(90);
    expect(readPositiveSeconds('9O')).toBeNull();
    expect(readPositiveSeconds(0)).toBeNull();
    expect(readPositiveSeconds(undefined)).toBeNull();
  });
});

describe('Shopify token expiry', () => {
  const SHOP = 'zapateria-expiry.myshopify.com';
  let sandbox: ShopifySandbox;
  let config: ShopifyConfig;

  beforeAll(async () => {
    sandbox = await startShopifySandbox({ apps: [sandboxApp()], logger: testLogger() });
    config = sandboxConfig(sandbox);
    sandbox.seedShop({ shopDomain: SHOP, name: 'Zapatería Expiry', products: footwearProducts(1, 'EXPI') });
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  /** Refreshes against a token endpoint that returns `fields` (plus a token and scopes). */
  async function refreshWith(fields: Record<string, unknown>) {
    sandbox.injectFault({
      method: 'POST',
      path: /\/admin\/oauth\/access_token$/,
      status: 200,
      body: { access_token: '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', scope: 'read_products,write_inventory', ...fields },
    });
    const before = Date.now();
    const tokens = await refreshAccessToken(config, 'shprt_ffeeddccbbaa99887766554433221100', { shopDomain: SHOP }, { logger: testLogger() });
    return { tokens, before, after: Date.now() };
  }

  it('gives odd expires_in a safe expiry', async () => {
    for (const expiresIn of ['soon', 0, -5, 2.5e9, undefined]) {
      const { tokens, before, after } = await refreshWith({ expires_in: expiresIn, refresh_token: 'shprt_00112233445566778899aabbccddeeff' });

      const expected = expiresIn === 2.5e9 ? 24 * HOUR_MS : HOUR_MS;
      expect(tokens.expiresAt?.getTime(), `expires_in ${String(expiresIn)}`).toBeGreaterThanOrEqual(before + expected);
      expect(tokens.expiresAt?.getTime(), `expires_in ${String(expiresIn)}`).toBeLessThanOrEqual(after + expected);
      expect(tokens.refreshToken).toBe('shprt_00112233445566778899aabbccddeeff');
    }
  });

  it('reads a numeric string expires_in', async () => {
    const { tokens, before, after } = await refreshWith({ expires_in: '1800', refresh_token: 'shprt_00112233445566778899aabbccddeeff', refresh_token_expires_in: 'never' });

    expect(tokens.expiresAt?.getTime()).toBeGreaterThanOrEqual(before + 1800_000);
    expect(tokens.expiresAt?.getTime()).toBeLessThanOrEqual(after + 1800_000);
    expect(tokens.refreshTokenExpiresAt).toBeNull();
  });

  it('keeps legacy offline tokens non-expiring', async () => {
    const { tokens } = await refreshWith({});

    expect(tokens.expiresAt).toBeNull();
    expect(tokens.refreshToken).toBeNull();
  });
});
