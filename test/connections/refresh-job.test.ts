import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createJobQueue, type JobQueue } from '../../src/jobs/queue.js';
import { findConnectionsDueForRefresh, registerRefreshJobs } from '../../src/jobs/refresh-jobs.js';
import { ConnectionStatus } from '../../src/entities/index.js';
import { startRefreshHarness, type RefreshHarness, type SeededConnection } from '../support/refresh-harness.js';

const MARGIN_SECONDS = 300;
const MINUTE_MS = 60_000;

let harness: RefreshHarness;
let queue: JobQueue;
let due: SeededConnection;
let later: SeededConnection;
let needsReauth: SeededConnection;
let withoutRefreshToken: SeededConnection;
let startRequests: number;

beforeAll(async () => {
  harness = await startRefreshHarness();
  queue = await createJobQueue({ databaseUrl: harness.db.url, logger: harness.logger, processEvery: 200, lockLifetimeMs: 10_000, drainTimeoutMs: 2_000 });
  // One tenant each, so the scan must look across tenants.
  due = await harness.connectSeller('tenant-job-due', 'JOB_DUE');
  later = await harness.connectSeller('tenant-job-later', 'JOB_LATER');
  needsReauth = await harness.connectSeller('tenant-job-reauth', 'JOB_REAUTH');
  withoutRefreshToken = await harness.connectSeller('tenant-job-no-refresh', 'JOB_NO_REFRESH');
  await harness.setAccessTokenExpiry(due, new Date(Date.now() + 2 * MINUTE_MS));
  await harness.setAccessTokenExpiry(later, new Date(Date.now() + 60 * MINUTE_MS));
  await harness.setAccessTokenExpiry(needsReauth, new Date(Date.now() + MINUTE_MS));
  await harness.setAccessTokenExpiry(withoutRefreshToken, new Date(Date.now() + MINUTE_MS));
  const sql = harness.orm.em.getConnection();
  await sql.execute(`update marketplace_connection set status = 'NEEDS_REAUTH', status_reason = 'refresh_rejected' where id = ?`, [needsReauth.connectionId]);
  await sql.execute('update credential set refresh_token_ciphertext = null where connection_id = ?', [withoutRefreshToken.connectionId]);
  startRequests = harness.sandbox.requests.length;
});

afterAll(async () => {
  await queue?.stop({ drainTimeoutMs: 2_000 });
  await harness?.close();
});

/** Polls until `done` holds; fails naming `what` after 20 s. */
async function waitUntil(what: string, done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`Timed out after 20 s waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('token refresh job', () => {
  it('finds only tokens due within the margin', async () => {
    const found = await findConnectionsDueForRefresh(harness.orm, MARGIN_SECONDS * 1000);

    expect(found.map((connection) => [connection.tenantId, connection.connectionId])).toEqual([[due.tenantId, due.connectionId]]);
  });

  it('refreshes due tokens and leaves others alone', async () => {
    const oldToken = await harness.storedAccessToken(due);
    const untouched = [later, needsReauth, withoutRefreshToken];
    const versionsBefore = await Promise.all(untouched.map(async (connection) => (await harness.loadCredential(connection)).version));

    await registerRefreshJobs(queue, harness.deps, { marginSeconds: MARGIN_SECONDS });
    await queue.start();
    await waitUntil('the due token to be refreshed', async () => (await harness.loadCredential(due)).version === 2);

    const refreshed = await harness.storedAccessToken(due);
    expect(refreshed).not.toBe(oldToken);
    expect(await harness.callWithToken(refreshed)).toBe(200);
    expect((await harness.loadCredential(due)).accessTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 60 * MINUTE_MS);
    expect(harness.refreshRequestsSince(startRequests)).toHaveLength(1);
    const versionsAfter = await Promise.all(untouched.map(async (connection) => (await harness.loadCredential(connection)).version));
    expect(versionsAfter).toEqual(versionsBefore);
    expect((await harness.loadConnection(needsReauth)).status).toBe(ConnectionStatus.NEEDS_REAUTH);
    expect((await harness.loadConnection(withoutRefreshToken)).status).toBe(ConnectionStatus.ACTIVE);
  });

  it('rejects a margin that is not positive', async () => {
    await expect(registerRefreshJobs(queue, harness.deps, { marginSeconds: 0 })).rejects.toThrow(/TOKEN_REFRESH_MARGIN_SECONDS/);
    expect(() => loadConfig({ TOKEN_REFRESH_MARGIN_SECONDS: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ TOKEN_REFRESH_MARGIN_SECONDS: 'soon' })).toThrow(/TOKEN_REFRESH_MARGIN_SECONDS/);
    expect(loadConfig({}).TOKEN_REFRESH_MARGIN_SECONDS).toBe(300);
    expect(loadConfig({ TOKEN_REFRESH_MARGIN_SECONDS: '600' }).TOKEN_REFRESH_MARGIN_SECONDS).toBe(600);
  });
});
