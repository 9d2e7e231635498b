import { describe, expect, it } from 'vitest';
import { MarketplaceError } from '../../src/connectors/shared/errors.js';
import { createTrafficControl } from '../../src/traffic/index.js';
import { testLogger } from '../support/logger.js';
import { SETTINGS, scope, startProcess, useTrafficTestBed, waiterRows, type TestProcess } from './helpers.js';

const CALL = { endpointClass: 'items.read', cost: 1 };

const bed = useTrafficTestBed();

function start(): TestProcess {
  // One call per second, so that a second call always waits.
  return bed.start({ mercadolibreRequestsPerSecond: 1, sheinMinIntervalMs: 1000 });
}

describe('traffic control lifecycle', () => {
  it('rejects an aborted wait and serves the next call', async () => {
    const process = start();
    const traffic = process.traffic.forConnection(scope('SHEIN', 'tenant-abort'));
    await traffic.acquire(CALL);

    const controller = new AbortController();
    const aborted = traffic.acquire(CALL, controller.signal);
    const next = traffic.acquire(CALL);
    controller.abort(new Error('job cancelled'));

    await expect(aborted).rejects.toThrow('job cancelled');
    await expect(next).resolves.toHaveProperty('settle');
  });

  it('rejects a signal that is already aborted', async () => {
    const process = start();
    const traffic = process.traffic.forConnection(scope('SHEIN', 'tenant-early'));
    await traffic.acquire(CALL);

    await expect(traffic.acquire(CALL, AbortSignal.abort(new Error('too late')))).rejects.toThrow('too late');
  });

  it('fails waiting calls on close and removes its registrations', async () => {
    const process = startProcess(bed.database, { mercadolibreRequestsPerSecond: 1 });
    const traffic = process.traffic.forConnection(scope('MERCADOLIBRE', 'tenant-close'));
    await traffic.acquire(CALL);
    const waiting = traffic.acquire(CALL).catch((error: unknown) => error);
    // The lane registers the waiting call before it sleeps.
    await expect.poll(async () => (await waiterRows(process.pool)).filter((row) => row.tenant_id === 'tenant-close').length).toBe(1);

    await process.traffic.close();

    expect(await waiting).toEqual(expect.objectContaining({ message: expect.stringMatching(/closed while the call was waiting/) }));
    await expect(traffic.acquire(CALL)).rejects.toThrow(/Traffic control is closed/);
    expect((await waiterRows(process.pool)).filter((row) => row.tenant_id === 'tenant-close')).toEqual([]);
    await process.pool.end();
  });

  it('rejects an invalid cost', async () => {
    const process = start();
    const traffic = process.traffic.forConnection(scope('SHOPIFY', 'tenant-cost'));

    await expect(traffic.acquire({ endpointClass: 'graphql', cost: -1 })).rejects.toThrow(RangeError);
    await expect(traffic.acquire({ endpointClass: 'graphql', cost: Number.NaN })).rejects.toThrow(/Invalid call cost NaN for graphql/);
  });

  it('records each permit once in the usage log', async () => {
    const process = start();
    const traffic = process.traffic.forConnection(scope('TIKTOK', 'tenant-usage'));

    const permit = await traffic.acquire({ endpointClass: 'stock.write', cost: 1 });
    permit.settle({ status: 503, latencyMs: 42 });
    permit.settle({ status: 200, latencyMs: 1 });

    expect(process.usage).toEqual([
      {
        marketplace: 'TIKTOK',
        tenantId: 'tenant-usage',
        connectionId: 'tenant-usage-connection',
        accountId: 'tenant-usage-account',
        endpointClass: 'stock.write',
        status: 503,
        latencyMs: 42,
        cost: 1,
        at: expect.any(Date),
      },
    ]);
  });

  it('records a throttled Shopify query at no cost', async () => {
    const process = start();
    const traffic = process.traffic.forConnection(scope('SHOPIFY', 'tenant-throttled'));

    const permit = await traffic.acquire({ endpointClass: 'graphql', cost: 252 });
    permit.settle({ status: 200, latencyMs: 3, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 100, restoreRate: 100 } });

    expect(process.usage[0]?.cost).toBe(0);
  });

  it('fails the call with a transient error when the database cannot be reached', async () => {
    const missing = new URL(bed.database.url);
    missing.pathname = '/traffic_test_database_that_does_not_exist';
    const traffic = createTrafficControl({ databaseUrl: missing.toString(), settings: SETTINGS, logger: testLogger() });

    try {
      const failure = await traffic.forConnection(scope('SHEIN', 'tenant-down')).acquire(CALL).catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(MarketplaceError);
      expect(failure).toMatchObject({ kind: 'transient', code: 'limiter_unavailable', marketplace: 'SHEIN' });
    } finally {
      await traffic.close();
    }
  });
});
