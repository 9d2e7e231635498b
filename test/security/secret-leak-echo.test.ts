import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantEntityManager } from '../../src/database/orm.js';
import { Listing, ListingPushState, SyncRun, SyncRunKind } from '../../src/entities/index.js';
import { reportLocalStock } from '../../src/sync/local-stock.js';
import { CLIENT_SECRET, shoeItems, startSyncHarness, type ConnectedSeller, type SyncHarness } from '../support/sync-harness.js';

// A marketplace may copy the request's credentials into its error text. The product must redact them
// before the text reaches a listing, a sync run or a log line. The run-wide secret-leak check also
// searches the logs this file writes.

const tenantId = 'tenant-echo';
let harness: SyncHarness;
let seller: ConnectedSeller;
let accessToken: string;
let codeVerifier: string;

beforeAll(async () => {
  harness = await startSyncHarness();
  await harness.insertProducts(tenantId, [{ sku: 'ECO000_25', stock: 4 }, { sku: 'ECO000_26', stock: 4 }]);
  seller = await harness.connectSeller(tenantId, 'ECHO_STORE', shoeItems(1, 'ECO', ['25', '26'], () => 4));

  const tokenRequest = harness.requestsSince(0, 'POST', '/oauth/token')[0];
  const apiCall = harness.requestsSince(0, 'GET').find((request) => request.headers.authorization?.startsWith('Bearer '));
  codeVerifier = String((tokenRequest?.body as Record<string, unknown> | undefined)?.code_verifier ?? '');
  accessToken = apiCall?.headers.authorization?.slice('Bearer '.length) ?? '';
});

afterAll(async () => {
  await harness?.close();
});

describe('credentials echoed in a marketplace error', () => {
  it('are redacted from the listing and the run', async () => {
    expect(accessToken).toMatch(/^APP_USR-/);
    expect(codeVerifier.length).toBeGreaterThanOrEqual(43);
    const secrets = [accessToken, codeVerifier, CLIENT_SECRET];
    harness.sandbox.injectFault({
      method: 'PUT',
      path: `/items/${seller.itemIds[0]}`,
      status: 400,
      body: {
        message: `Item is not modifiable with token ${accessToken}`,
        error: 'validation_error',
        status: 400,
        cause: [{ code: 'item.locked', type: 'error', message: `client ${CLIENT_SECRET} verifier ${codeVerifier}`, references: [accessToken] }],
      },
    });

    await reportLocalStock(tenantEntityManager(harness.orm, tenantId), [{ sku: 'ECO000_25', stock: 9 }]);
    await harness.scheduler.pushStock({ tenantId, connectionId: seller.connectionId });
    await harness.waitForIdle(tenantId, seller.connectionId);

    const em = tenantEntityManager(harness.orm, tenantId);
    const listing = await em.findOneOrFail(Listing, { sku: 'ECO000_25' });
    const runs = await em.find(SyncRun, { connection: seller.connectionId, kind: SyncRunKind.PUSH });
    expect(listing.pushState).toBe(ListingPushState.FAILED);
    expect(listing.lastError).toContain('Item is not modifiable with token');
    const stored = JSON.stringify({ lastError: listing.lastError, runs: runs.map((run) => run.error) });
    for (const secret of secrets) expect(stored).not.toContain(secret);
  });
});
