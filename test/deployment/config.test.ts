import { describe, expect, it } from 'vitest';
import { ConfigError, hasMarketplaceCredentials, loadConfig } from '../../src/config.js';
import { SHEIN_API_BASE_URL } from '../../src/connectors/shein/index.js';
import { SHOPIFY_DEFAULT_API_VERSION } from '../../src/connectors/shopify/index.js';
import { TIKTOK_API_BASE_URL, TIKTOK_AUTH_BASE_URL } from '../../src/connectors/tiktok/index.js';

describe('loadConfig', () => {
  it('applies defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config.ROLE).toBe('all');
    expect(config.PORT).toBe(4000);
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('names the variable and the expectation', () => {
    expect(() => loadConfig({ ROLE: 'scheduler' })).toThrow(ConfigError);
    expect(() => loadConfig({ ROLE: 'scheduler' })).toThrow(/ROLE has an invalid value: ROLE must be one of api, worker, all/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL .*postgres:\/\//);
    expect(() => loadConfig({ JOB_CONCURRENCY: '0' })).toThrow(/JOB_CONCURRENCY .*greater than 0/);
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT has an invalid value: PORT must be a whole number from 0 to 65535/);
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ MONGODB_URL: '' }).MONGODB_URL).toBeUndefined();
  });

  it('requires a JWT key in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET or JWT_JWKS_URL/);
  });
});

describe('marketplace configuration', () => {
  it('fills in the marketplace defaults', () => {
    const config = loadConfig({});
    expect(config.SHOPIFY_API_VERSION).toBe(SHOPIFY_DEFAULT_API_VERSION);
    expect(config.TIKTOK_AUTH_URL).toBe(TIKTOK_AUTH_BASE_URL);
    expect(config.TIKTOK_API_URL).toBe(TIKTOK_API_BASE_URL);
    expect(config.SHEIN_API_URL).toBe(SHEIN_API_BASE_URL);
  });

  it('rejects a Shopify API version that is not a release', () => {
    expect(() => loadConfig({ SHOPIFY_API_VERSION: '2026-05' })).toThrow(/SHOPIFY_API_VERSION has an invalid value: .*2026-04/);
    expect(loadConfig({ SHOPIFY_API_VERSION: '2025-10' }).SHOPIFY_API_VERSION).toBe('2025-10');
  });

  it('rejects an invalid marketplace host', () => {
    expect(() => loadConfig({ SHEIN_API_URL: 'openapi.sheincorp.com' })).toThrow(/SHEIN_API_URL has an invalid value/);
    expect(() => loadConfig({ TIKTOK_API_URL: 'not a url' })).toThrow(/TIKTOK_API_URL has an invalid value/);
  });

  it('names the missing half of a credential set', () => {
    expect(() => loadConfig({ SHOPIFY_CLIENT_ID: 'client' })).toThrow(/SHOPIFY_CLIENT_SECRET is missing while SHOPIFY_CLIENT_ID is set/);
    expect(() => loadConfig({ TIKTOK_APP_KEY: 'key', TIKTOK_APP_SECRET: 'secret' })).toThrow(/TIKTOK_SERVICE_ID is missing/);
    expect(() => loadConfig({ SHEIN_APP_SECRET: 'secret' })).toThrow(/SHEIN_APP_ID is missing/);
    expect(() => loadConfig({ MERCADOLIBRE_CLIENT_ID: 'id', SHEIN_APP_ID: 'app' })).toThrow(/MERCADOLIBRE_CLIENT_SECRET is missing[\s\S]*SHEIN_APP_SECRET is missing/);
  });

  it('tells whether any marketplace has credentials', () => {
    expect(hasMarketplaceCredentials(loadConfig({}))).toBe(false);
    expect(hasMarketplaceCredentials(loadConfig({ SHOPIFY_API_VERSION: '2026-01', TIKTOK_API_URL: 'http://127.0.0.1:4021' }))).toBe(false);
    expect(hasMarketplaceCredentials(loadConfig({ SHEIN_APP_ID: 'app', SHEIN_APP_SECRET: 'secret' }))).toBe(true);
  });
});
