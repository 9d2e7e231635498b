import type { Logger } from 'pino';
import { AUTHORIZATION_CONNECTION_ID, type UsageEntry, type UsageSink } from '../connectors/shared/traffic.js';
import type { MikroORM } from '../database/orm.js';
import { UsageAggregator, type UsageBucket } from './aggregator.js';
import { statusClassOf, type StatusClass } from './status-class.js';
import { addUsageBuckets, deleteUsageBefore } from './store.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY_MS = 86_400_000;
/** Old rows are deleted at most this often per process. */
const RETENTION_CHECK_MS = 3_600_000;

/** Receives each recorded call as it arrives, such as the Prometheus call metrics. */
export interface UsageObserver {
  observeCall(entry: UsageEntry, statusClass: StatusClass): void;
}

export interface UsageLogOptions {
  orm: MikroORM;
  logger: Logger;
  /** How often the in-memory sums are added to the database, in milliseconds. */
  flushIntervalMs: number;
  /** Rows of minutes older than this many days are deleted. */
  retentionDays: number;
  /**
   * Buckets kept in memory while the database cannot be written; beyond it the oldest are dropped
   * (and logged). Default 50,000, a few megabytes.
   */
  maxPendingBuckets?: number;
  observer?: UsageObserver;
}

/** Usage sink of one process. `record` catches its own errors, and `close` stores what is left. */
export interface UsageLog extends UsageSink {
  /** Adds the calls recorded so far to the database. Never rejects: a failure keeps them for the next flush. */
  flush(): Promise<void>;
  /** Stops the timer and flushes once more. */
  close(): Promise<void>;
}

/**
 * Builds the process's usage log: calls are summed per minute in memory and added to `api_usage`
 * every `flushIntervalMs` and on close. Calls recorded since the last flush are not visible to
 * `apiUsage` yet, and are lost if the process dies before its next flush.
 */
export function createUsageLog(options: UsageLogOptions): UsageLog {
  const logger = options.logger.child({ module: 'usage' });
  const maxPending = options.maxPendingBuckets ?? 50_000;
  const aggregator = new UsageAggregator();
  let flushing: Promise<void> | null = null;
  let lastRetentionCheck = 0;
  let rejectedEntries = 0;
  let closed = false;

  function record(entry: UsageEntry): void {
    try {
      if (entry.connectionId === AUTHORIZATION_CONNECTION_ID) {
        // A code exchange has no connection row to store usage under, but the call metrics count it.
        options.observer?.observeCall(entry, statusClassOf(entry.status));
        return;
      }
      if (!UUID.test(entry.connectionId) || !(entry.at instanceof Date) || Number.isNaN(entry.at.getTime())) {
        // Logged once per 100 so a caller bug cannot flood the log.
        if (rejectedEntries++ % 100 === 0) {
          logger.error({ connectionId: entry.connectionId, at: String(entry.at), rejected: rejectedEntries }, 'usage entry ignored: the connection id must be a UUID and `at` a valid date');
        }
        return;
      }
      aggregator.add(entry);
      options.observer?.observeCall(entry, statusClassOf(entry.status));
    } catch (error) {
      logger.error({ err: error, connectionId: entry.connectionId }, 'usage entry could not be recorded');
    }
  }

  async function store(): Promise<void> {
    const buckets = aggregator.drain();
    try {
      await addUsageBuckets(options.orm, buckets);
    } catch (error) {
      keepForRetry(buckets);
      logger.error({ err: error, buckets: buckets.length, pending: aggregator.size }, 'storing API usage failed; the sums are kept for the next flush');
      return;
    }
    await deleteExpiredRows();
  }

  function keepForRetry(buckets: UsageBucket[]): void {
    for (const bucket of buckets) aggregator.merge(bucket);
    if (aggregator.size <= maxPending) return;
    const oldestFirst = aggregator.drain();
    const dropped = oldestFirst.splice(0, oldestFirst.length - maxPending);
    for (const bucket of oldestFirst) aggregator.merge(bucket);
    const calls = dropped.reduce((sum, bucket) => sum + bucket.calls, 0);
    logger.error({ droppedBuckets: dropped.length, droppedCalls: calls, oldest: dropped[0]?.bucketStart }, 'API usage dropped: the database stayed unwritable and the in-memory limit was reached');
  }

  async function deleteExpiredRows(): Promise<void> {
    const now = Date.now();
    if (now - lastRetentionCheck < RETENTION_CHECK_MS) return;
    lastRetentionCheck = now;
    try {
      const deleted = await deleteUsageBefore(options.orm, new Date(now - options.retentionDays * DAY_MS));
      if (deleted > 0) logger.info({ deleted, retentionDays: options.retentionDays }, 'old API usage rows deleted');
    } catch (error) {
      logger.warn({ err: error }, 'deleting old API usage rows failed; the next check retries');
    }
  }

  function flush(): Promise<void> {
    // One flush at a time: a second caller waits for the running one, then stores what came since.
    const previous = flushing ?? Promise.resolve();
    const next = previous.then(store);
    flushing = next;
    void next.finally(() => {
      if (flushing === next) flushing = null;
    });
    return next;
  }

  const timer = setInterval(() => void flush(), options.flushIntervalMs);
  // The timer alone must not keep a process alive; close() does the final flush.
  timer.unref();

  return {
    record,
    flush,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      await flush();
    },
  };
}
