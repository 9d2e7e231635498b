import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Agenda, type Job, type JobStateNotification, type JobWithId, type RetryDetails } from 'agenda';
import { connectMongoJobBackend, connectPostgresJobBackend, type ConnectedJobBackend } from './job-backend.js';
import type { EveryOptions, JobDefinitionOptions, JobHandler, JobQueue, JobQueueOptions, JobStatus } from './queue-types.js';
import { DEFAULT_RETRY, exponentialRetry, PermanentJobError } from './retry-policy.js';
import { RunningJobs } from './running-jobs.js';

export type { EveryOptions, JobDefinitionOptions, JobHandler, JobQueue, JobQueueOptions, JobRun, JobStatus } from './queue-types.js';
export { PermanentJobError } from './retry-policy.js';
export { JobBackendConnectionError } from './job-backend.js';

/**
 * Default lock lifetime. Agenda 6.2.6 re-checks each running job's lock every half lifetime (or
 * half `processEvery`, if larger) with a timer it never clears, so the process can stay alive
 * that long after `stop()`. A short lifetime keeps the wait short; lock renewal (every quarter
 * lifetime, see RunningJobs) keeps long jobs locked.
 */
const DEFAULT_LOCK_LIFETIME_MS = 10_000;
const DEFAULT_DRAIN_TIMEOUT_MS = 5_000;
/** Number of jobs of one name a worker runs at once when the definition sets none (Agenda's own default). */
const DEFAULT_JOB_CONCURRENCY = 5;

/**
 * Connects the Agenda job queue: PostgreSQL by default, MongoDB when `mongodbUrl` is set. The
 * queue is ready to enqueue when this resolves; call `start()` to also process jobs.
 */
export async function createJobQueue(options: JobQueueOptions): Promise<JobQueue> {
  const { logger } = options;
  const connected: ConnectedJobBackend = options.mongodbUrl
    ? await connectMongoJobBackend({
        mongodbUrl: options.mongodbUrl,
        databaseUrl: options.databaseUrl,
        serverSelectionTimeoutMs: options.mongoServerSelectionTimeoutMs,
        logger,
      })
    : await connectPostgresJobBackend(options.databaseUrl, logger);
  const channel = connected.notificationChannel;
  const defaultLockLifetimeMs = options.lockLifetimeMs ?? DEFAULT_LOCK_LIFETIME_MS;

  const agenda = new Agenda({
    backend: connected.backend,
    notificationChannel: channel,
    name: options.name ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
    processEvery: options.processEvery,
    maxConcurrency: options.concurrency,
    defaultLockLifetime: defaultLockLifetimeMs,
    removeOnComplete: options.removeOnComplete ?? true,
  });
  await agenda.ready;

  const running = new RunningJobs(logger);
  const stopSignal = new AbortController();
  let started = false;
  let stopping: Promise<void> | null = null;
  // Set once a queue that has not started connects the channel only to announce new jobs.
  let announcing: Promise<boolean> | null = null;
  let announcedBeforeStart = false;

  const onChannelError = (error: Error) => logger.warn({ err: error }, 'Job notification channel error; workers fall back to polling until it reconnects');
  channel?.on('error', onChannelError);
  agenda.on('error', (error: Error) => logger.error({ err: error }, 'Job queue error'));
  agenda.on('fail', (error: Error | string, job: JobWithId | JobStateNotification, remote?: boolean) => {
    if (remote || !('attrs' in job)) return;
    logger.error({ err: error, jobName: job.attrs.name, jobId: String(job.attrs._id), attempt: job.attrs.failCount ?? 1 }, 'Job failed');
  });
  agenda.on('retry', (job: JobWithId | JobStateNotification, details: RetryDetails, remote?: boolean) => {
    if (remote || !('attrs' in job)) return;
    logger.info({ jobName: job.attrs.name, jobId: String(job.attrs._id), attempt: details.attempt, delayMs: details.delay, nextRunAt: details.nextRunAt }, 'Job retry scheduled');
  });
  agenda.on('retry exhausted', (error: Error, job: JobWithId) => {
    const permanent = error instanceof PermanentJobError;
    logger.error(
      { err: error, jobName: job.attrs.name, jobId: String(job.attrs._id), failCount: job.attrs.failCount },
      permanent ? 'Job marked failed without retry: the error is permanent' : 'Job marked failed: no retry attempts left',
    );
  });
  agenda.on('complete', (job: JobWithId | JobStateNotification, remote?: boolean) => {
    if (remote || !('attrs' in job)) return;
    running.completed(String(job.attrs._id));
  });

  function assertOpen(action: string): void {
    if (stopping) throw new Error(`Cannot ${action}: the job queue was stopped. Create a new queue.`);
  }

  /** Lets a queue that never started still wake workers at once when it saves a job. */
  async function announceSavedJobs(): Promise<void> {
    if (started || !channel) return;
    announcedBeforeStart = true;
    announcing ??= channel.connect().then(
      () => true,
      (error: unknown) => {
        logger.warn({ err: error }, 'Could not connect the job notification channel; workers pick up new jobs at their next scan');
        announcing = null;
        return false;
      },
    );
    await announcing;
  }

  return {
    ready: agenda.ready,
    backend: connected.kind,

    define<T>(name: string, handler: JobHandler<T>, definition: JobDefinitionOptions<T> = {}): void {
      const lockLifetimeMs = definition.lockLifetimeMs ?? defaultLockLifetimeMs;
      const concurrency = definition.concurrency ?? DEFAULT_JOB_CONCURRENCY;
      const backoff = exponentialRetry({ attempts: definition.attempts ?? DEFAULT_RETRY.attempts, backoffMs: definition.backoffMs ?? DEFAULT_RETRY.backoffMs });
      agenda.define(
        name,
        async (job: Job<unknown>) => {
          const id = String(job.attrs._id);
          running.started(job, lockLifetimeMs);
          try {
            const data = parseJobData(name, id, job.attrs.data, definition.schema);
            await handler(data, { id, name, attempt: (job.attrs.failCount ?? 0) + 1, signal: stopSignal.signal });
          } catch (error) {
            // Wrap other thrown values so the logs and the retry policy always receive an Error.
            throw error instanceof Error ? error : new Error(`Job ${name} threw a non-Error value: ${String(error)}`);
          } finally {
            running.handlerFinished(id);
          }
        },
        // lockLimit = concurrency: a worker locks only the jobs it can start now, so jobs waiting
        // behind a slow limiter stay free for another worker instead of sitting in a local queue.
        { concurrency, lockLimit: concurrency, lockLifetime: lockLifetimeMs, backoff },
      );
    },

    async now<T>(name: string, data: T): Promise<string> {
      assertOpen(`enqueue job ${name}`);
      await announceSavedJobs();
      const job = await agenda.now(name, data);
      return String(job.attrs._id);
    },

    async schedule<T>(name: string, when: Date, data: T): Promise<string> {
      assertOpen(`schedule job ${name}`);
      if (Number.isNaN(when.getTime())) throw new RangeError(`Cannot schedule job ${name}: the date is invalid.`);
      await announceSavedJobs();
      const job = await agenda.schedule(when, name, data);
      return String(job.attrs._id);
    },

    async every<T>(name: string, interval: string | number, data: T, every: EveryOptions = {}): Promise<string> {
      assertOpen(`schedule recurring job ${name}`);
      await announceSavedJobs();
      if (every.uniqueKey === undefined) {
        const job = await agenda.every(interval, name, data);
        return String(job.attrs._id);
      }
      const job = agenda.create(name, data).repeatEvery(interval).unique(uniqueQuery(name, data, every.uniqueKey));
      await job.save();
      return String(job.attrs._id);
    },

    async cancel(name: string, dataMatch?: Record<string, unknown>): Promise<number> {
      assertOpen(`cancel jobs ${name}`);
      return agenda.cancel(dataMatch ? { name, data: dataMatch } : { name });
    },

    async status(id: string): Promise<JobStatus | null> {
      const { jobs } = await agenda.queryJobs({ id, includeDisabled: true });
      const job = jobs[0];
      if (!job) return null;
      return {
        id: String(job._id),
        name: job.name,
        state: job.state,
        data: job.data,
        nextRunAt: job.nextRunAt ?? null,
        lastRunAt: job.lastRunAt ?? null,
        lastFinishedAt: job.lastFinishedAt ?? null,
        failedAt: job.failedAt ?? null,
        failCount: job.failCount ?? 0,
        failReason: job.failReason ?? null,
      };
    },

    async start(): Promise<void> {
      assertOpen('start processing jobs');
      if (started) return;
      if (announcedBeforeStart && channel) {
        // Agenda connects the channel itself in start(); connecting it twice would leak a connection.
        await announcing;
        await channel.disconnect();
        announcing = null;
      }
      await agenda.start();
      started = true;
      logger.info({ backend: connected.kind, jobNames: Object.keys(agenda.definitions) }, 'Job queue started processing');
    },

    stop({ drainTimeoutMs = options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS } = {}): Promise<void> {
      stopping ??= (async () => {
        stopSignal.abort();
        if (started) {
          // Stops polling, unlocks jobs that are locked but not yet running, and disconnects the channel.
          await agenda.stop(false);
        } else if (announcedBeforeStart && channel) {
          // Also cancels the channel's reconnect timer if its last connection attempt failed.
          await announcing;
          await channel.disconnect();
        }

        const drained = await running.waitUntilIdle(drainTimeoutMs);
        if (!drained) {
          running.stopAllHeartbeats();
          logger.warn(
            { drainTimeoutMs, runningJobs: running.list() },
            'Job queue stopped with jobs still running; their locks expire and another worker retries them',
          );
        }
        channel?.off('error', onChannelError);
        // Agenda's listeners stay: a job left running may still report its end, and an 'error'
        // event without any listener would crash the process.
        await connected.close();
        if (started) logger.info({ drained }, 'Job queue stopped');
      })();
      return stopping;
    },
  };
}

function parseJobData<T>(name: string, id: string, data: unknown, schema: JobDefinitionOptions<T>['schema']): T {
  if (!schema) return data as T;
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(data)'}: ${issue.message}`).join('; ');
  throw new PermanentJobError(`Job ${name} (${id}) has invalid data: ${problems}. Re-enqueue it with valid data.`);
}

function uniqueQuery(name: string, data: unknown, uniqueKey: string | readonly string[]): Record<string, string | number | boolean> {
  const fields = typeof uniqueKey === 'string' ? [uniqueKey] : uniqueKey;
  const query: Record<string, string | number | boolean> = {};
  for (const field of fields) {
    const value = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[field] : undefined;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new TypeError(`Cannot schedule recurring job ${name}: unique key field "${field}" must be a string, number or boolean in the job data.`);
    }
    query[`data.${field}`] = value;
  }
  return query;
}
