import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MercadoLibreSandbox } from '../../src/sandbox/mercadolibre/index.js';
import { apiGet, connectSeller, startTestSandbox } from '../sandbox/mercadolibre-helpers.js';
import { scope, useTrafficTestBed, type TestProcess } from './helpers.js';

const bed = useTrafficTestBed();
let sandbox: MercadoLibreSandbox;
const tokens: string[] = [];

beforeAll(async () => {
  sandbox = await startTestSandbox();
  for (const nickname of ['ZAPATERIA_CENTRO', 'CALZADO_NORTE']) {
    const { userId } = sandbox.seedSeller({ nickname, items: [] });
    tokens.push((await connectSeller(sandbox, userId)).access_token);
  }
  // The token requests count against the application's quota too, so the calls start in a fresh second.
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 10));
});

afterAll(async () => {
  await sandbox?.close();
});

/** Sends `count` calls for one tenant, `concurrency` at a time, each through the traffic control. */
async function sendCalls(process: TestProcess, tenantId: string, token: string, count: number, concurrency: number): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next += 1;
      const permit = await process.traffic.forConnection(scope('MERCADOLIBRE', tenantId)).acquire({ endpointClass: 'users.read', cost: 1 });
      const started = Date.now();
      const response = await apiGet(sandbox, '/users/me', token);
      await response.arrayBuffer();
      const retryAfter = response.headers.get('retry-after');
      permit.settle({ status: response.status, latencyMs: Date.now() - started, retryAfterSeconds: retryAfter === null ? undefined : Number(retryAfter) });
      statuses.push(response.status);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return statuses;
}

describe('MercadoLibre application quota shared by two processes', () => {
  it('stays within the limit in every wall-clock second', async () => {
    sandbox.setRatePerSecond(5);
    const first = bed.start({ mercadolibreRequestsPerSecond: 5 });
    const second = bed.start({ mercadolibreRequestsPerSecond: 5 });
    const sentBefore = sandbox.requests.length;

    const started = Date.now();
    const [firstStatuses, secondStatuses] = await Promise.all([
      sendCalls(first, 'tenant-centro', tokens[0]!, 12, 3),
      sendCalls(second, 'tenant-norte', tokens[1]!, 12, 3),
    ]);
    const elapsedSeconds = (Date.now() - started) / 1000;

    const statuses = [...firstStatuses, ...secondStatuses];
    expect(statuses).toHaveLength(24);
    expect(statuses.filter((status) => status === 429)).toEqual([]);
    expect(sandbox.requests.length - sentBefore).toBe(24);
    expect(sandbox.peakRequestsPerSecond()).toBeLessThanOrEqual(5);
    // 24 evenly spaced calls at 5 per second need at least 23 intervals of 0.2 s.
    expect(elapsedSeconds).toBeGreaterThanOrEqual(4.4);
    expect(elapsedSeconds).toBeLessThan(10);
    expect(first.usage).toHaveLength(12);
    expect(second.usage[0]).toMatchObject({ marketplace: 'MERCADOLIBRE', tenantId: 'tenant-norte', endpointClass: 'users.read', status: 200, cost: 1 });
  });

  it('waits out Retry-After after a 429', async () => {
    // The sandbox allows 1 call per second while the limiter is configured for 5, so it meets 429s.
    sandbox.setRatePerSecond(1);
    const process = bed.start({ mercadolibreRequestsPerSecond: 5 });
    const sentBefore = sandbox.requests.length;

    try {
      const statuses = await sendCalls(process, 'tenant-centro', tokens[0]!, 6, 1);
      const requests = sandbox.requests.slice(sentBefore);
      const rejected = requests.findIndex((request) => request.status === 429);

      expect(statuses).toContain(429);
      expect(rejected).toBeGreaterThanOrEqual(0);
      const afterRejection = requests[rejected + 1];
      expect(afterRejection).toBeDefined();
      // Retry-After: 1 from the sandbox, so the next call leaves about a second later, not 0.2 s.
      expect(afterRejection!.at - requests[rejected]!.at).toBeGreaterThanOrEqual(900);
    } finally {
      sandbox.setRatePerSecond(10);
    }
  });
});
