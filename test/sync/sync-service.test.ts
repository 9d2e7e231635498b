import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantEntityManager } from '../../src/database/orm.js';
import { ConnectionStatus, MarketplaceConnection, SyncRun, SyncRunKind, SyncRunStatus } from '../../src/entities/index.js';
import { AppError } from '../../src/errors.js';
import { reportLocalStock } from '../../src/sync/local-stock.js';
import { shoeItems, startSyncHarness, type ConnectedSeller, type SyncHarness } from '../support/sync-harness.js';

const tenantId = 'tenant-sync';
let harness: SyncHarness;
let seller: ConnectedSeller;

beforeAll(async () => {
  harness = await startSyncHarness();
  await harness.insertProducts(tenantId, [{ sku: 'SYNC000_25', stock: 3 }]);
  seller = await harness.connectSeller(tenantId, 'SYNC_STORE', shoeItems(1, 'SYNC', ['25'], () => 3));
});

afterAll(async () => {
  await harness?.close();
});

function startSync(input: { tenantId?: string; connectionId?: string; kind?: SyncRunKind }) {
  return harness.sync.startSync({
    tenantId: input.tenantId ?? tenantId, connectionId: input.connectionId ?? seller.connectionId, kind: input.kind ?? SyncRunKind.IMPORT, trigger: 'api',
  });
}

async function runCount(tenant: string): Promise<number> {
  return tenantEntityManager(harness.orm, tenant).count(SyncRun, {});
}

async function setStatus(status: ConnectionStatus): Promise<void> {
  const em = tenantEntityManager(harness.orm, tenantId);
  const connection = await em.findOneOrFail(MarketplaceConnection, { id: seller.connectionId });
  connection.status = status;
  await em.flush();
}

describe('SyncService.startSync', () => {
  it('queues an import that runs', async () => {
    const run = await startSync({});

    expect(run.status).toBe(SyncRunStatus.QUEUED);
    expect(run.trigger).toBe('api');
    const finished = await harness.waitForRun(tenantId, run.id);
    expect(finished.status).toBe(SyncRunStatus.SUCCEEDED);
    expect(finished.readCount).toBe(1);
  });

  it('schedules a push of pending listings', async () => {
    await reportLocalStock(tenantEntityManager(harness.orm, tenantId), [{ sku: 'SYNC000_25', stock: 8 }]);

    const run = await startSync({ kind: SyncRunKind.PUSH });
    await harness.waitForIdle(tenantId, seller.connectionId);

    expect(harness.sandbox.getItem(seller.itemIds[0]!)?.variations[0]?.available_quantity).toBe(8);
    const pushes = await tenantEntityManager(harness.orm, tenantId).find(SyncRun, { kind: SyncRunKind.PUSH });
    expect(pushes.map((push) => [push.id, push.status, push.writtenCount])).toEqual([[run.id, SyncRunStatus.SUCCEEDED, 1]]);
  });

  it('records a requested push with nothing to write', async () => {
    const run = await startSync({ kind: SyncRunKind.PUSH });

    const finished = await harness.waitForRun(tenantId, run.id);
    expect(finished.status).toBe(SyncRunStatus.SUCCEEDED);
    expect(finished.writtenCount).toBe(0);
  });

  it('rejects an unknown connection with NOT_FOUND', async () => {
    const runsBefore = await runCount(tenantId);

    for (const connectionId of [randomUUID(), 'not-a-uuid']) {
      const attempt = startSync({ connectionId });
      await expect(attempt).rejects.toBeInstanceOf(AppError);
      await expect(attempt).rejects.toMatchObject({ code: 'NOT_FOUND', params: { id: connectionId } });
    }
    expect(await runCount(tenantId)).toBe(runsBefore);
  });

  it('hides another tenant\'s connection', async () => {
    const runsBefore = await runCount(tenantId);

    await expect(startSync({ tenantId: 'tenant-intruder' })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    expect(await runCount('tenant-intruder')).toBe(0);
    expect(await runCount(tenantId)).toBe(runsBefore);
  });

  it('rejects a connection that is not ACTIVE with CONFLICT', async () => {
    const runsBefore = await runCount(tenantId);
    try {
      for (const status of [ConnectionStatus.PENDING, ConnectionStatus.NEEDS_REAUTH, ConnectionStatus.ERROR, ConnectionStatus.DISCONNECTED]) {
        await setStatus(status);
        await expect(startSync({})).rejects.toMatchObject({ code: 'CONFLICT', params: { status } });
      }
    } finally {
      await setStatus(ConnectionStatus.ACTIVE);
    }
    expect(await runCount(tenantId)).toBe(runsBefore);
  });
});
