import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { DEMO_SANDBOX_LIMITS, sandboxTrafficConfig } from '../../src/demo/sandboxes.js';

describe('sandboxTrafficConfig', () => {
  it('defaults to the demo limits', () => {
    const env = { NODE_ENV: 'test' };
    const { config, limits } = sandboxTrafficConfig(loadConfig(env), env);
    expect(limits).toEqual(DEMO_SANDBOX_LIMITS);
    expect(config.MERCADOLIBRE_REQUESTS_PER_SECOND).toBe(DEMO_SANDBOX_LIMITS.mercadolibreRatePerSecond);
    expect(config.SHOPIFY_RESTORE_RATE).toBe(DEMO_SANDBOX_LIMITS.shopifyRestoreRate);
    expect(config.TIKTOK_REQUESTS_PER_SECOND).toBe(DEMO_SANDBOX_LIMITS.tiktokRatePerSecond);
    expect(config.SHEIN_MIN_INTERVAL_MS).toBe(DEMO_SANDBOX_LIMITS.sheinRequestSpacingMs);
  });

  it('applies an explicit limit to both', () => {
    const env = { NODE_ENV: 'test', MERCADOLIBRE_REQUESTS_PER_SECOND: '5', SHEIN_MIN_INTERVAL_MS: '250' };
    const { config, limits } = sandboxTrafficConfig(loadConfig(env), env);
    expect(limits.mercadolibreRatePerSecond).toBe(5);
    expect(config.MERCADOLIBRE_REQUESTS_PER_SECOND).toBe(5);
    expect(limits.sheinRequestSpacingMs).toBe(250);
    expect(config.SHEIN_MIN_INTERVAL_MS).toBe(250);
    expect(limits.shopifyRestoreRate).toBe(DEMO_SANDBOX_LIMITS.shopifyRestoreRate);
  });

  it('serves a fractional rate at 1', () => {
    const env = { NODE_ENV: 'test', MERCADOLIBRE_REQUESTS_PER_SECOND: '0.5' };
    const { config, limits } = sandboxTrafficConfig(loadConfig(env), env);
    expect(limits.mercadolibreRatePerSecond).toBe(1);
    expect(config.MERCADOLIBRE_REQUESTS_PER_SECOND).toBe(0.5);
  });
});
