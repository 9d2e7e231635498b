import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

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
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ MONGODB_URL: '' }).MONGODB_URL).toBeUndefined();
  });

  it('requires a JWT key in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET or JWT_JWKS_URL/);
  });
});
