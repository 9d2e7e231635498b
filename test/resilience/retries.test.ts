import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fetchItem, MercadoLibreClient, type MercadoLibreConfig } from '../../src/connectors/mercadolibre/index.js';
import { MarketplaceError, type TokenSet } from '../../src/connectors/shared/index.js';
import { ResiliencePolicy, type ResilienceOptions } from '../../src/connectors/shared/resilience/index.js';
import { startMercadoLibreSandbox } from '../../src/sandbox/mercadolibre/index.js';
import type { MercadoLibreSandbox, RecordedRequest } from '../../src/sandbox/mercadolibre/types.js';
import { connectSeller, footwearItems, sandboxApp, sandboxConfig } from '../connectors/mercadolibre-fixtures.js';
import { testLogger } from '../support/logger.js';
import { captureLogger, rejectionOf } from './support.js';

const UNAVAILABLE = { message: 'Service unavailable', error: 'service_unavailable', status: 503, cause: [] };
const RATE_LIMITED = { message: 'local_rate_limited', error: 'local_rate_limited', status: 429, cause: [] };

let sandbox: MercadoLibreSandbox;
let config: MercadoLibreConfig;
let tokens: TokenSet;
let itemId: string;

beforeAll(async () => {
  sandbox = await startMercadoLibreSandbox({ apps: [sandboxApp()], ratePerSecond: 1000, logger: testLogger() });
  config = sandboxConfig(sandbox);
  const seeded = sandbox.seedSeller({ nickname: 'TIENDA_REINTENTOS', items: footwearItems(2, 'RTR') });
  itemId = seeded.itemIds[0] ?? '';
  ({ tokens } = await connectSeller(sandbox, config, seeded.userId));
});

beforeEach(() => {
  sandbox.clearFaults();
});

afterAll(async () => {
  await sandbox.close();
});

function clientWith(options: Partial<ResilienceOptions>, logger = testLogger()): MercadoLibreClient {
  return new MercadoLibreClient({
    config,
    tokenSource: { getAccessToken: async () => tokens.accessToken },
    logger,
    resilience: new ResiliencePolicy({ baseDelayMs: 0, ...options }),
  });
}

function itemRequestsSince(from: number): RecordedRequest[] {
  return sandbox.requests.slice(from).filter((request) => request.path === `/items/${itemId}`);
}

describe('retries', () => {
  it('retries a 503 and then succeeds', async () => {
    sandbox.injectFault({ method: 'GET', path: `/items/${itemId}`, status: 503, body: UNAVAILABLE });
    const before = sandbox.requests.length;

    const listings = await fetchItem(clientWith({}), itemId);

    expect(listings.length).toBeGreaterThan(0);
    expect(itemRequestsSince(before).map((request) => request.status)).toEqual([503, 200]);
  });

  it('stops after maxAttempts', async () => {
    sandbox.injectFault({ method: 'GET', path: `/items/${itemId}`, status: 503, body: UNAVAILABLE, times: Infinity });
    const before = sandbox.requests.length;

    const error = await rejectionOf(fetchItem(clientWith({ maxAttempts: 3 }), itemId));

    expect(error).toBeInstanceOf(MarketplaceError);
    expect(error).toMatchObject({ kind: 'transient', status: 503 });
    expect(itemRequestsSince(before)).toHaveLength(3);
  });

  it('sends a 4xx once', async () => {
    const before = sandbox.requests.length;

    const error = await rejectionOf(fetchItem(clientWith({}), 'MLM9999999999'));

    expect(error).toMatchObject({ kind: 'not_found', status: 404 });
    expect(sandbox.requests.slice(before).filter((request) => request.path === '/items/MLM9999999999')).toHaveLength(1);
  });

  it('waits the Retry-After seconds of a 429', async () => {
    sandbox.injectFault({ method: 'GET', path: `/items/${itemId}`, status: 429, body: RATE_LIMITED, headers: { 'retry-after': '2' } });
    const before = sandbox.requests.length;

    await fetchItem(clientWith({ baseDelayMs: 10 }), itemId);

    const [throttled, retried] = itemRequestsSince(before);
    expect(throttled?.status).toBe(429);
    expect(retried?.status).toBe(200);
    // Seconds, not milliseconds: the retry arrives about 2,000 ms after the 429.
    const gap = (retried?.at ?? 0) - (throttled?.at ?? 0);
    expect(gap).toBeGreaterThanOrEqual(1900);
    expect(gap).toBeLessThan(10_000);
  });
});

describe('Retry-After values not used as sent', () => {
  const inAnHour = () => new Date(Date.now() + 3_600_000).toUTCString();
  const anHourAgo = () => new Date(Date.now() - 3_600_000).toUTCString();
  const cases: Array<{ name: string; header: () => string | undefined; warning: string; minimumGapMs: number }> = [
    { name: 'huge seconds', header: () => '86400', warning: 'above the maximum of 1 s', minimumGapMs: 900 },
    { name: 'date far ahead', header: inAnHour, warning: 'above the maximum of 1 s', minimumGapMs: 900 },
    { name: 'negative seconds', header: () => '-5', warning: 'is negative', minimumGapMs: 0 },
    { name: 'date in the past', header: anHourAgo, warning: 'date in the past', minimumGapMs: 0 },
    { name: 'unreadable text', header: () => 'soon', warning: 'neither seconds nor an HTTP date', minimumGapMs: 0 },
    { name: 'missing header', header: () => undefined, warning: 'throttled response without Retry-After', minimumGapMs: 0 },
  ];

  for (const testCase of cases) {
    it(`handles ${testCase.name}`, async () => {
      const header = testCase.header();
      sandbox.injectFault({
        method: 'GET',
        path: `/items/${itemId}`,
        status: 429,
        body: RATE_LIMITED,
        headers: header === undefined ? {} : { 'retry-after': header },
      });
      const { logger, warnings } = captureLogger();
      const before = sandbox.requests.length;

      await fetchItem(clientWith({ maxRetryAfterSeconds: 1 }, logger), itemId);

      const requests = itemRequestsSince(before);
      expect(requests.map((request) => request.status)).toEqual([429, 200]);
      expect((requests[1]?.at ?? 0) - (requests[0]?.at ?? 0)).toBeGreaterThanOrEqual(testCase.minimumGapMs);
      const warning = warnings().find((line) => line.msg.includes(testCase.warning));
      expect(warning, `no warning containing "${testCase.warning}"`).toBeDefined();
      if (header !== undefined) expect(warning?.retryAfter).toBe(header);
    });
  }

  it('clamps a Retry-After on a 503 too', async () => {
    sandbox.injectFault({ method: 'GET', path: `/items/${itemId}`, status: 503, body: UNAVAILABLE, headers: { 'retry-after': '120' } });
    const { logger, warnings } = captureLogger();
    const before = sandbox.requests.length;

    await fetchItem(clientWith({ maxRetryAfterSeconds: 1 }, logger), itemId);

    const requests = itemRequestsSince(before);
    expect(requests.map((request) => request.status)).toEqual([503, 200]);
    expect((requests[1]?.at ?? 0) - (requests[0]?.at ?? 0)).toBeGreaterThanOrEqual(900);
    expect(warnings().some((line) => line.msg.includes('above the maximum of 1 s') && line.status === 503)).toBe(true);
  });
});
