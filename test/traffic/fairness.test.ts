import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { scope, useTrafficTestBed, waiterRows, type TestProcess } from './helpers.js';

// 50 calls per second keeps each test short, and the order of grants does not depend on the rate.
const RATE = { mercadolibreRequestsPerSecond: 50 };

// Each test starts from an empty MercadoLibre bucket and no fair-share history.
const bed = useTrafficTestBed({ truncateAfterEach: ['rate_limit_bucket', 'rate_limit_tenant', 'rate_limit_waiter'] });

function start(options: { tenantWeight?: (tenantId: string) => number } = {}): TestProcess {
  return bed.start(RATE, options);
}

/** Queues `count` MercadoLibre calls for a tenant. Each pushes the tenant to `order` when granted. */
function queueCalls(process: TestProcess, tenantId: string, count: number, order: string[]): Promise<void>[] {
  return Array.from({ length: count }, async () => {
    const permit = await process.traffic.forConnection(scope('MERCADOLIBRE', tenantId)).acquire({ endpointClass: 'stock.write', cost: 1 });
    order.push(tenantId);
    permit.settle({ status: 200, latencyMs: 1 });
  });
}

function countIn(order: string[], tenantId: string): number {
  return order.filter((entry) => entry === tenantId).length;
}

describe('MercadoLibre fair share', () => {
  it('grants waiting tenants in turn', async () => {
    const process = start();
    const order: string[] = [];

    await Promise.all([
      ...queueCalls(process, 'tenant-a', 20, order),
      ...queueCalls(process, 'tenant-b', 4, order),
      ...queueCalls(process, 'tenant-c', 4, order),
    ]);

    const firstTwelve = order.slice(0, 12);
    expect(countIn(firstTwelve, 'tenant-a')).toBe(4);
    expect(countIn(firstTwelve, 'tenant-b')).toBe(4);
    expect(countIn(firstTwelve, 'tenant-c')).toBe(4);
    expect(order).toHaveLength(28);
  });

  it('gives a tenant of weight 2 twice the turns', async () => {
    const process = start({ tenantWeight: (tenantId) => (tenantId === 'tenant-heavy' ? 2 : 1) });
    const order: string[] = [];

    await Promise.all([...queueCalls(process, 'tenant-heavy', 20, order), ...queueCalls(process, 'tenant-light', 20, order)]);

    const firstFifteen = order.slice(0, 15);
    expect(countIn(firstFifteen, 'tenant-heavy')).toBeGreaterThanOrEqual(9);
    expect(countIn(firstFifteen, 'tenant-heavy')).toBeLessThanOrEqual(11);
  });

  it('lets a small backlog in another process through at once', async () => {
    const big = start();
    const small = start();
    const order: string[] = [];

    const bigCalls = queueCalls(big, 'tenant-big', 40, order);
    await bigCalls[0];
    const smallCalls = queueCalls(small, 'tenant-small', 5, order);
    await Promise.all(smallCalls);
    const bigGrantsMeanwhile = countIn(order, 'tenant-big');
    await Promise.all(bigCalls);

    // In strict turns the big tenant gets 6 grants by then (its head start plus one per turn), and
    // 2 more allow for the second process's first registration.
    expect(bigGrantsMeanwhile).toBeLessThanOrEqual(8);
    expect(order).toHaveLength(45);
  });

  it('keeps tenants apart when both have backlogs in two processes', async () => {
    const first = start();
    const second = start();
    const order: string[] = [];

    const calls = [...queueCalls(first, 'tenant-one', 30, order), ...queueCalls(second, 'tenant-two', 30, order)];
    await Promise.all(calls);

    // Once both are registered they alternate, so no window of 20 grants is lopsided.
    for (let start = 2; start + 20 <= 40; start += 1) {
      const window = order.slice(start, start + 20);
      expect(countIn(window, 'tenant-one'), `grants ${start} to ${start + 19}`).toBeGreaterThanOrEqual(8);
      expect(countIn(window, 'tenant-two'), `grants ${start} to ${start + 19}`).toBeGreaterThanOrEqual(8);
    }
  });

  it('shares fairly with one 10x backlog', async () => {
    const processesByHalf = [start(), start()];
    const order: string[] = [];
    const tenants = Array.from({ length: 10 }, (_, index) => `tenant-${index}`);
    // Ten tenants split over two processes. Each job sends its calls one after another, as a sync job
    // does, and the big tenant runs 4 jobs with 10 times the calls of each other tenant.
    const runJob = async (process: TestProcess, tenantId: string, calls: number): Promise<void> => {
      for (let call = 0; call < calls; call += 1) {
        const permit = await process.traffic.forConnection(scope('MERCADOLIBRE', tenantId)).acquire({ endpointClass: 'stock.write', cost: 1 });
        order.push(tenantId);
        permit.settle({ status: 200, latencyMs: 1 });
      }
    };

    const jobs = tenants.flatMap((tenantId, index) => {
      const process = processesByHalf[index % 2]!;
      return tenantId === 'tenant-0' ? Array.from({ length: 4 }, () => runJob(process, tenantId, 15)) : [runJob(process, tenantId, 6)];
    });
    await Promise.all(jobs);

    // Jain's index over the grants made while every tenant still had calls to send.
    const firstFinished = Math.min(...tenants.slice(1).map((tenantId) => order.lastIndexOf(tenantId)));
    const shares = tenants.map((tenantId) => countIn(order.slice(0, firstFinished + 1), tenantId));
    const jain = shares.reduce((sum, share) => sum + share, 0) ** 2 / (shares.length * shares.reduce((sum, share) => sum + share * share, 0));
    expect(jain, `grants per tenant: ${shares.join(', ')}`).toBeGreaterThanOrEqual(0.95);
    expect(order).toHaveLength(114);
  });

  it('serves past a registered tenant that never takes its turn', async () => {
    const process = start();
    const stalled = randomUUID();
    // A process that registered waiting calls and then stopped. Its tenant sorts first and never takes.
    await process.pool.query(
      `insert into rate_limit_waiter (bucket_key, holder, tenant_id, waiting, expires_at) values ('MERCADOLIBRE:ml-app', $1, 'aaa-stalled', 5, now() + interval '1 minute')`,
      [stalled],
    );
    const order: string[] = [];

    await Promise.all(queueCalls(process, 'tenant-live', 5, order));

    expect(order).toEqual(Array(5).fill('tenant-live'));
    // Another process's registration stays until its lease ends.
    const rows = await waiterRows(process.pool);
    expect(rows.filter((row) => row.waiting > 0)).toEqual([{ holder: stalled, tenant_id: 'aaa-stalled', waiting: 5 }]);
  });

  it('drops registrations whose lease expired', async () => {
    const process = start();
    await process.pool.query(
      `insert into rate_limit_waiter (bucket_key, holder, tenant_id, waiting, expires_at) values ('MERCADOLIBRE:ml-app', $1, 'aaa-crashed', 5, now() - interval '1 second')`,
      [randomUUID()],
    );

    await Promise.all(queueCalls(process, 'tenant-live', 1, []));

    const tenants = (await waiterRows(process.pool)).map((row) => row.tenant_id);
    expect(tenants).not.toContain('aaa-crashed');
  });
});
