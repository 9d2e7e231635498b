import type { JobState } from 'agenda';
import type { Logger } from 'pino';
import type { z } from 'zod';

export interface JobQueueOptions {
  /** PostgreSQL URL. Jobs are stored there unless `mongodbUrl` is set; job wake-ups always use it. */
  databaseUrl: string;
  /** Stores jobs in MongoDB instead of PostgreSQL. */
  mongodbUrl?: string;
  logger: Logger;
  /**
   * How often a started queue looks for due jobs, in milliseconds or as text such as
   * '5 seconds'. Jobs saved with `now()` start at once through a notification; scheduled jobs
   * and retries wait for this scan. Default 5 seconds (Agenda's default).
   */
  processEvery?: number | string;
  /** Maximum jobs this process runs at once over all job names. Default 20 (Agenda's default). */
  concurrency?: number;
  /** Default for `JobDefinitionOptions.lockLifetimeMs`. */
  lockLifetimeMs?: number;
  /** How long `stop()` waits for running jobs before it closes the connections anyway. */
  drainTimeoutMs?: number;
  /** Deletes one-time jobs once they succeed; failed jobs are kept. Default true. */
  removeOnComplete?: boolean;
  /** Stored with each job as `lastModifiedBy`; default `host:pid:random`. */
  name?: string;
  /** How long the MongoDB driver looks for a reachable server before `createJobQueue` fails. */
  mongoServerSelectionTimeoutMs?: number;
}

/** Details of the run that a handler serves. */
export interface JobRun {
  id: string;
  name: string;
  /** 1 for the first run, 2 for the first retry, and so on. */
  attempt: number;
  /** Aborted when `stop()` starts; long handlers should check it and return early. */
  signal: AbortSignal;
}

export type JobHandler<T> = (data: T, job: JobRun) => Promise<void>;

export interface JobDefinitionOptions<T> {
  /** Jobs of this name run at once in this process. Default 5 (Agenda's default). */
  concurrency?: number;
  /**
   * How long a worker's lock on a running job lasts without renewal. The queue renews it every
   * quarter of this time while the handler runs, so it bounds how soon another worker takes over
   * the job after this process dies, not how long the handler may take.
   */
  lockLifetimeMs?: number;
  /** Total runs, the first one included, before the job is marked failed. Default 3. */
  attempts?: number;
  /** Delay before the first retry, doubled for each later one. Default 10 seconds. */
  backoffMs?: number;
  /** Validates the stored data before the handler runs; invalid data fails the job without retry. */
  schema?: z.ZodType<T>;
}

export interface EveryOptions {
  /**
   * Data fields that identify one recurring job, such as 'connectionId'. Without it there is
   * one recurring job per name, and calling `every` again keeps its next run time. With it there
   * is one per name and value, and calling `every` again for the same value replaces that job's
   * interval and data and makes it due at once (interval jobs run first at creation).
   */
  uniqueKey?: string | readonly string[];
}

export interface JobStatus {
  id: string;
  name: string;
  state: JobState;
  data: unknown;
  nextRunAt: Date | null;
  lastRunAt: Date | null;
  lastFinishedAt: Date | null;
  failedAt: Date | null;
  /** Failures since the last success. */
  failCount: number;
  failReason: string | null;
}

/**
 * Job queue interface used by the rest of the program. A process of role `api` only enqueues
 * and never calls `start()`; a `worker` also defines handlers and starts processing.
 */
export interface JobQueue {
  /** Resolves once the store is connected; `createJobQueue` has already awaited it. */
  readonly ready: Promise<void>;
  readonly backend: 'postgres' | 'mongodb';
  define<T>(name: string, handler: JobHandler<T>, options?: JobDefinitionOptions<T>): void;
  /** Enqueues a job to run as soon as a worker is free; returns its id. */
  now<T>(name: string, data: T): Promise<string>;
  schedule<T>(name: string, when: Date, data: T): Promise<string>;
  /** Creates or updates a recurring job; `interval` is milliseconds, text such as '15 minutes', or a cron expression. */
  every<T>(name: string, interval: string | number, data: T, options?: EveryOptions): Promise<string>;
  /** Deletes jobs of a name, optionally only those whose data contains `dataMatch`; returns how many. */
  cancel(name: string, dataMatch?: Record<string, unknown>): Promise<number>;
  /** Returns the stored state of a job, or null when it does not exist (completed one-time jobs are deleted by default). */
  status(id: string): Promise<JobStatus | null>;
  /** Starts processing jobs (worker role). */
  start(): Promise<void>;
  /**
   * Stops taking jobs, releases the jobs locked but not started, aborts `JobRun.signal`, waits up
   * to `drainTimeoutMs` for running jobs to finish, then closes the connections. A stopped queue
   * cannot start again.
   *
   * NOTE: Agenda 6.2.6 leaves one uncleared lock-check timer per recent job run, so the process
   * can stay alive for up to half of the larger of the lock lifetime and `processEvery` after
   * this resolves (5 seconds with the defaults). Scripts that must end at once call process.exit().
   */
  stop(options?: { drainTimeoutMs?: number }): Promise<void>;
}
