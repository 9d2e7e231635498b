import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShopifySandbox } from '../../src/sandbox/shopify/index.js';
import { graphql, install, SHOP, shoes, startTestSandbox } from '../sandbox/shopify-helpers.js';
import { bucketRow, scope, useTrafficTestBed, type TestProcess } from './helpers.js';

const KEY = `SHOPIFY:shopify-app:${SHOP}`;
const GRAPHQL = { endpointClass: 'graphql' };

const bed = useTrafficTestBed({ truncateAfterEach: ['rate_limit_bucket'] });

function start(settings: { shopifyRestoreRate?: number } = {}): TestProcess {
  return bed.start(settings);
}

describe('Shopify cost bucket', () => {
  it('spends the requested cost and refunds the unused part', async () => {
    const process = start();
    const traffic = process.traffic.forConnection(scope('SHOPIFY', 'tenant-a', SHOP));

    const permit = await traffic.acquire({ ...GRAPHQL, cost: 1500 });
    const spent = await bucketRow(process.pool, KEY);
    permit.settle({ status: 200, latencyMs: 5, actualCost: 300 });
    await process.traffic.whenSettled();
    const settled = await bucketRow(process.pool, KEY);

    expect(spent?.capacity).toBe(2000);
    expect(spent?.tokens).toBeCloseTo(500, 0);
    // 500 left + 1,200 refunded, plus the few points restored between the two updates.
    expect(settled?.tokens).toBeGreaterThanOrEqual(1700);
    expect(settled?.tokens).toBeLessThan(1750);
    expect(process.usage[0]).toMatchObject({ marketplace: 'SHOPIFY', endpointClass: 'graphql', cost: 300, status: 200 });
  });

  it('takes capacity and restore rate from throttleStatus and lowers the tokens', async () => {
    const process = start();
    const traffic = process.traffic.forConnection(scope('SHOPIFY', 'tenant-a', SHOP));

    const permit = await traffic.acquire({ ...GRAPHQL, cost: 10 });
    permit.settle({ status: 200, latencyMs: 5, actualCost: 10, throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 300, restoreRate: 50 } });
    await process.traffic.whenSettled();
    const row = await bucketRow(process.pool, KEY);

    expect(row?.capacity).toBe(1000);
    expect(row?.refill_per_second).toBe(50);
    expect(row?.tokens).toBe(300);
    expect(row?.reported_at).toBeInstanceOf(Date);
  });

  it('never raises the tokens above its own count', async () => {
    const process = start();
    const traffic = process.traffic.forConnection(scope('SHOPIFY', 'tenant-a', SHOP));

    const permit = await traffic.acquire({ ...GRAPHQL, cost: 1500 });
    // The marketplace has not charged a call that is still in flight elsewhere, so it reports more.
    permit.settle({ status: 200, latencyMs: 5, actualCost: 1500, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1900, restoreRate: 100 } });
    await process.traffic.whenSettled();

    expect((await bucketRow(process.pool, KEY))?.tokens).toBeLessThan(550);
  });

  it('waits at the reported restore rate', async () => {
    const process = start();
    const traffic = process.traffic.forConnection(scope('SHOPIFY', 'tenant-a', SHOP));
    const permit = await traffic.acquire({ ...GRAPHQL, cost: 10 });
    permit.settle({ status: 200, latencyMs: 5, actualCost: 10, throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 300, restoreRate: 50 } });
    await process.traffic.whenSettled();

    const started = Date.now();
    await traffic.acquire({ ...GRAPHQL, cost: 400 });

    // 100 points missing at 50 per second: about 2 s.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
  });

  it('leaves the bucket blocked for Retry-After after a 429', async () => {
    const process = start();
    const traffic = process.traffic.forConnection(scope('SHOPIFY', 'tenant-a', SHOP));

    const permit = await traffic.acquire({ ...GRAPHQL, cost: 10 });
    permit.settle({ status: 429, latencyMs: 5, retryAfterSeconds: 2 });
    await process.traffic.whenSettled();
    const row = await bucketRow(process.pool, KEY);

    expect(row?.blocked_until).toBeInstanceOf(Date);
    expect(row!.blocked_until!.getTime() - row!.updated_at.getTime()).toBeCloseTo(2000, -1);
  });
});

describe('Shopify cost bucket against the sandbox', () => {
  let sandbox: ShopifySandbox;
  let token: string;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    sandbox.seedShop({ shopDomain: SHOP, products: shoes(100, 'QTA', ['25']) });
    token = (await install(sandbox)).access_token;
    // A Plus shop with a small bucket, so that 40 queries of about 100 points must wait for restore.
    sandbox.setThrottle({ restoreRate: 1000, maximumAvailable: 500 });
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  it('sends concurrent queries without a throttled response', async () => {
    const process = start({ shopifyRestoreRate: 1000 });
    const traffic = process.traffic.forConnection(scope('SHOPIFY', 'tenant-a', SHOP));
    const query = '{ products(first: 100) { nodes { id } } }';
    const send = async (cost: number): Promise<number> => {
      const permit = await traffic.acquire({ ...GRAPHQL, cost });
      const started = Date.now();
      const answer = await graphql(sandbox, token, query);
      const reported = answer.body.extensions?.cost;
      permit.settle({
        status: answer.status,
        latencyMs: Date.now() - started,
        actualCost: reported?.actualQueryCost ?? undefined,
        throttleStatus: reported?.throttleStatus,
      });
      expect(answer.body.errors).toBeUndefined();
      return reported?.requestedQueryCost ?? 0;
    };

    // The first response reports the bucket's real size, while the limiter's first guess is 20 x 1,000.
    const requested = await send(102);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < 40) {
        next += 1;
        await send(requested);
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));

    expect(requested).toBe(102);
    expect(sandbox.throttledCount()).toBe(0);
    expect(process.usage).toHaveLength(41);
    expect((await bucketRow(process.pool, KEY))?.capacity).toBe(500);
  });
});
