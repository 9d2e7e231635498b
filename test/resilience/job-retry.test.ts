import { describe, expect, it } from 'vitest';
import { MarketplaceError } from '../../src/connectors/shared/index.js';
import { exponentialRetry, PermanentJobError } from '../../src/jobs/retry-policy.js';

const context = (attempt: number, error: Error) => ({ attempt, error, jobName: 'stock.push', jobData: {} });

describe('job retries after the call path gave up', () => {
  const backoff = exponentialRetry({ attempts: 3, backoffMs: 1000 });

  it('waits at least the Retry-After the error carries', () => {
    const throttled = new MarketplaceError('MERCADOLIBRE', 'MercadoLibre rejected GET /items/1 (429).', { kind: 'throttled', status: 429, retryAfterSeconds: 30 });

    expect(backoff(context(1, throttled))).toBe(30_000);
  });

  it('waits until an open circuit lets a test call through', () => {
    const open = new MarketplaceError('SHOPIFY', 'Shopify calls are paused.', { kind: 'transient', code: 'circuit_open', retryAfterSeconds: 12 });

    expect(backoff(context(2, open))).toBe(12_000);
  });

  it('keeps its own backoff when that is longer', () => {
    const unavailable = new MarketplaceError('TIKTOK', 'TikTok Shop rejected POST /x (503).', { kind: 'transient', status: 503 });

    expect(backoff(context(2, unavailable))).toBe(2000);
  });

  it('stops after the job attempts', () => {
    const unavailable = new MarketplaceError('SHEIN', 'SHEIN POST /x failed.', { kind: 'transient', status: 503, retryAfterSeconds: 5 });

    expect(backoff(context(3, unavailable))).toBeNull();
  });

  it('never retries a permanent error', () => {
    expect(backoff(context(1, new PermanentJobError('connection removed')))).toBeNull();
  });
});
