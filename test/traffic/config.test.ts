import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { limitFor, REQUEST_RATE_HEADROOM, trafficSettingsFrom } from '../../src/traffic/index.js';
import { scope, SETTINGS } from './helpers.js';

const RATE_VARIABLES = ['SHOPIFY_RESTORE_RATE', 'MERCADOLIBRE_REQUESTS_PER_SECOND', 'TIKTOK_REQUESTS_PER_SECOND', 'SHEIN_MIN_INTERVAL_MS'] as const;

describe('rate limit configuration', () => {
  it('has defaults for every marketplace', () => {
    const settings = trafficSettingsFrom(loadConfig({}));

    expect(settings.shopifyRestoreRate).toBe(100);
    expect(settings.mercadolibreRequestsPerSecond).toBe(5);
    expect(settings.tiktokRequestsPerSecond).toBe(50);
    expect(settings.sheinMinIntervalMs).toBe(200);
  });

  it('reads the configured values and app ids', () => {
    const settings = trafficSettingsFrom(
      loadConfig({ SHOPIFY_RESTORE_RATE: '1000', MERCADOLIBRE_REQUESTS_PER_SECOND: '2.5', MERCADOLIBRE_CLIENT_ID: 'app-1', MERCADOLIBRE_CLIENT_SECRET: 'secret-1' }),
    );

    expect(settings.shopifyRestoreRate).toBe(1000);
    expect(settings.mercadolibreRequestsPerSecond).toBe(2.5);
    expect(settings.appIds.MERCADOLIBRE).toBe('app-1');
  });

  for (const name of RATE_VARIABLES) {
    it(`rejects zero and negative ${name}`, () => {
      expect(() => loadConfig({ [name]: '0' })).toThrow(ConfigError);
      expect(() => loadConfig({ [name]: '0' })).toThrow(new RegExp(`${name} has an invalid value: ${name} must be greater than 0`));
      expect(() => loadConfig({ [name]: '-5' })).toThrow(new RegExp(`${name} has an invalid value: ${name} must be greater than 0`));
      expect(() => loadConfig({ [name]: 'fast' })).toThrow(new RegExp(`${name} has an invalid value`));
    });
  }

  it('rejects a fractional Shein interval', () => {
    expect(() => loadConfig({ SHEIN_MIN_INTERVAL_MS: '150.5' })).toThrow(/SHEIN_MIN_INTERVAL_MS has an invalid value: SHEIN_MIN_INTERVAL_MS must be a whole number/);
  });
});

describe('limit models', () => {
  it('shares one MercadoLibre bucket across tenants', () => {
    const first = limitFor(scope('MERCADOLIBRE', 'tenant-a'), { endpointClass: 'items.read', cost: 1 }, SETTINGS);
    const second = limitFor(scope('MERCADOLIBRE', 'tenant-b'), { endpointClass: 'stock.write', cost: 1 }, SETTINGS);

    expect(first.key).toBe(second.key);
    expect(first.fair).toBe(true);
    expect(first.capacity).toBe(1);
    expect(first.refillPerSecond).toBeCloseTo(5 * (1 - REQUEST_RATE_HEADROOM));
  });

  it('keys TikTok buckets by shop and API', () => {
    const read = limitFor(scope('TIKTOK', 'tenant-a'), { endpointClass: 'items.read', cost: 1 }, SETTINGS);
    const write = limitFor(scope('TIKTOK', 'tenant-a'), { endpointClass: 'stock.write', cost: 1 }, SETTINGS);
    const otherShop = limitFor(scope('TIKTOK', 'tenant-a', 'other-shop'), { endpointClass: 'items.read', cost: 1 }, SETTINGS);

    expect(new Set([read.key, write.key, otherShop.key]).size).toBe(3);
    expect(read.fair).toBe(false);
  });

  it('charges Shopify by requested cost', () => {
    const limit = limitFor(scope('SHOPIFY', 'tenant-a'), { endpointClass: 'graphql', cost: 252 }, SETTINGS);

    expect(limit.cost).toBe(252);
    expect(limit.capacity).toBe(2000);
    expect(limit.refillPerSecond).toBe(100);
  });

  it('spaces Shein calls per seller', () => {
    const limit = limitFor(scope('SHEIN', 'tenant-a'), { endpointClass: 'stock.write', cost: 1 }, SETTINGS);

    expect(limit.capacity).toBe(1);
    expect(limit.refillPerSecond).toBe(5);
    expect(limit.key).toContain('tenant-a-account');
  });
});
