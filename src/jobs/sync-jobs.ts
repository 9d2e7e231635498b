import { z } from 'zod';
import { MarketplaceError } from '../connectors/shared/errors.js';
import type { SyncDependencies } from '../sync/context.js';
import { runListingImport } from '../sync/import-listings.js';
import { runStockPush } from '../sync/push-stock.js';
import type { SyncScheduler } from '../sync/scheduling.js';
import { MAX_WEBHOOK_ATTEMPTS, processWebhookDelivery } from '../sync/webhooks.js';
import type { JobQueue } from './queue.js';
import { PermanentJobError } from './queue.js';

export const SYNC_JOBS = {
  importListings: 'listings.import',
  pushStock: 'stock.push',
  processWebhook: 'webhook.process',
} as const;

const importData = z.object({ tenantId: z.string().min(1), connectionId: z.uuid(), syncRunId: z.uuid() });
const pushData = z.object({ tenantId: z.string().min(1), connectionId: z.uuid(), syncRunId: z.uuid().optional() });
const webhookData = z.object({ tenantId: z.string().min(1), deliveryId: z.uuid() });

/**
 * Enqueues sync work. Stock pushes are debounced: the first request for a connection schedules a
 * push `pushDebounceMs` later, and requests until then ride along, because the push job writes
 * every listing pending at the time it runs.
 */
export function createSyncScheduler(queue: JobQueue, options: { pushDebounceMs: number }): SyncScheduler {
  const scheduledPushes = new Map<string, number>();
  return {
    async importListings(input) {
      await queue.now(SYNC_JOBS.importListings, importData.parse(input));
    },
    async pushStock(input) {
      const data = pushData.parse(input);
      if (data.syncRunId) {
        await queue.now(SYNC_JOBS.pushStock, data);
        return;
      }
      const key = `${data.tenantId}:${data.connectionId}`;
      const now = Date.now();
      if ((scheduledPushes.get(key) ?? 0) > now) return;
      const runAt = now + options.pushDebounceMs;
      scheduledPushes.set(key, runAt);
      if (options.pushDebounceMs === 0) await queue.now(SYNC_JOBS.pushStock, data);
      else await queue.schedule(SYNC_JOBS.pushStock, new Date(runAt), data);
    },
    async processWebhook(input) {
      await queue.now(SYNC_JOBS.processWebhook, webhookData.parse(input));
    },
  };
}

/** Registers the handlers of the sync jobs on a worker's queue. */
export function defineSyncJobs(queue: JobQueue, deps: SyncDependencies): void {
  queue.define(SYNC_JOBS.importListings, (data) => withRetryPolicy(() => runListingImport(deps, data)), { schema: importData, attempts: 5, backoffMs: 5_000, concurrency: 2 });
  queue.define(SYNC_JOBS.pushStock, (data) => withRetryPolicy(() => runStockPush(deps, data)), { schema: pushData, attempts: 5, backoffMs: 2_000 });
  queue.define(SYNC_JOBS.processWebhook, (data) => withRetryPolicy(() => processWebhookDelivery(deps, data)), { schema: webhookData, attempts: MAX_WEBHOOK_ATTEMPTS, backoffMs: 2_000 });
}

/**
 * Retries only what may succeed later; invalid input or a revoked authorization fails at once. A
 * retryable MarketplaceError has already used up the client's own attempts (or met an open
 * circuit), so the job runs again only its definition's bounded `attempts`, each no sooner than
 * the wait the error carries.
 */
async function withRetryPolicy(work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (error instanceof MarketplaceError && !error.retryable) throw new PermanentJobError(error.message, { cause: error });
    throw error;
  }
}
