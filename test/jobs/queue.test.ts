import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createJobQueue, PermanentJobError, type JobQueue } from '../../src/jobs/queue.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { captureLogger } from '../events/log-capture.js';
import { waitFor } from './wait-for.js';

describe('job queue', () => {
  let database: TestDatabase;
  const log = captureLogger();
  const queues: JobQueue[] = [];

  // Agenda 6 instances that create the schema at the same moment fail on a duplicate index, so
  // the queues of one test are created one after the other (the queue also serializes it).
  async function newQueue(options: { processEvery?: number | string } = {}): Promise<JobQueue> {
    const queue = await createJobQueue({ databaseUrl: database.url, logger: log.logger, processEvery: options.processEvery ?? 100 });
    queues.push(queue);
    return queue;
  }

  const linesWith = (message: string, jobId: string) => log.lines.filter((line) => line.msg === message && line.jobId === jobId);

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    for (const queue of queues) await queue.stop({ drainTimeoutMs: 1_000 });
    await database?.close();
  });

  it('runs jobs enqueued by an api queue exactly once across workers', async () => {
    const api = await newQueue();
    const workers = [await newQueue(), await newQueue()];
    const runs: string[] = [];
    workers.forEach((worker, index) => {
      worker.define<{ n: number }>('once.count', async (_data, job) => {
        runs.push(`${index}:${job.id}`);
      });
    });
    for (const worker of workers) await worker.start();

    const ids: string[] = [];
    for (let n = 0; n < 10; n += 1) ids.push(await api.now('once.count', { n }));
    await waitFor('all ten jobs to run', () => runs.length, (count) => count >= 10);
    for (const worker of workers) await worker.stop();

    const runIds = runs.map((run) => run.split(':')[1]);
    expect(runIds.sort()).toEqual([...ids].sort());
    for (const id of ids) expect(await api.status(id)).toBeNull();
  });

  it('wakes a worker through notification, not polling', async () => {
    const api = await newQueue();
    // With a ten-minute scan the job can only start this soon through LISTEN/NOTIFY.
    const worker = await newQueue({ processEvery: '10 minutes' });
    let resolveRan: (id: string) => void = () => undefined;
    const ran = new Promise<string>((resolve) => {
      resolveRan = resolve;
    });
    worker.define('notify.wake', async (_data, job) => resolveRan(job.id));
    await worker.start();
    // start() returns before the worker's first scan has queried the table. Once that scan is
    // over, only a notification makes the worker look again within ten minutes.
    await sleep(1_000);

    const id = await api.now('notify.wake', {});

    expect(await ran).toBe(id);
    await worker.stop();
  });

  it('keeps a job longer than its lock lifetime locked', async () => {
    const workers = [await newQueue(), await newQueue()];
    const runs: string[] = [];
    for (const worker of workers) {
      worker.define(
        'lock.long',
        async (_data, job) => {
          runs.push(job.id);
          // Four lock lifetimes: without renewal the lock expires and the other worker runs the job too.
          await sleep(1_600);
        },
        { lockLifetimeMs: 400, attempts: 1 },
      );
      await worker.start();
    }

    const id = await workers[0]!.now('lock.long', {});
    await waitFor('the long job to complete', () => workers[0]!.status(id), (value) => value === null);

    expect(runs).toEqual([id]);
    expect(linesWith('Job failed', id)).toHaveLength(0);
  });

  it('runs a long backlog once each', async () => {
    const worker = await newQueue();
    const runs: string[] = [];
    worker.define(
      'lock.backlog',
      async (_data, job) => {
        runs.push(job.id);
        // Jobs behind the first wait up to eight lock lifetimes for a free slot.
        await sleep(600);
      },
      { lockLifetimeMs: 400, concurrency: 1, attempts: 1 },
    );
    const ids: string[] = [];
    for (let n = 0; n < 6; n += 1) ids.push(await worker.now('lock.backlog', { n }));
    await worker.start();
    await waitFor('all six jobs to complete', async () => (await Promise.all(ids.map((id) => worker.status(id)))).every((value) => value === null), (done) => done);

    expect([...runs].sort()).toEqual([...ids].sort());
    for (const id of ids) expect(linesWith('Job failed', id)).toHaveLength(0);
    // A second run of a job fails to save its state once the first run has deleted the row.
    const lostRows = log.lines.filter((line) => line.msg === 'Job queue error' && JSON.stringify(line).includes('cannot be updated'));
    expect(lostRows).toHaveLength(0);
  });

  it('retries a failing job then marks it failed', async () => {
    const queue = await newQueue();
    const attemptsSeen: number[] = [];
    queue.define(
      'retry.always-fails',
      async (_data, job) => {
        attemptsSeen.push(job.attempt);
        throw new Error(`marketplace unavailable (attempt ${job.attempt})`);
      },
      { attempts: 3, backoffMs: 20 },
    );
    await queue.start();

    const id = await queue.now('retry.always-fails', { sku: 'SKU-1' });
    const status = await waitFor('the job to be marked failed', () => queue.status(id), (value) => value?.state === 'failed' && value.failCount === 3);

    expect(attemptsSeen).toEqual([1, 2, 3]);
    expect(status?.failReason).toBe('marketplace unavailable (attempt 3)');
    expect(status?.nextRunAt).toBeNull();
    expect(linesWith('Job failed', id)).toHaveLength(3);
    expect(linesWith('Job failed', id)[0]?.jobName).toBe('retry.always-fails');
    expect(linesWith('Job retry scheduled', id).map((line) => line.delayMs)).toEqual([20, 40]);
    expect(linesWith('Job marked failed: no retry attempts left', id)).toHaveLength(1);
  });

  it('completes a job that succeeds on retry', async () => {
    const queue = await newQueue();
    let calls = 0;
    queue.define(
      'retry.flaky',
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('timeout');
      },
      { attempts: 3, backoffMs: 20 },
    );
    await queue.start();

    const id = await queue.now('retry.flaky', {});
    await waitFor('the retried job to complete and be removed', () => queue.status(id), (value) => value === null);

    expect(calls).toBe(2);
    expect(linesWith('Job failed', id)).toHaveLength(1);
  });

  it('fails a permanent error without retry', async () => {
    const queue = await newQueue();
    let calls = 0;
    queue.define(
      'retry.permanent',
      async () => {
        calls += 1;
        throw new PermanentJobError('connection was removed');
      },
      { attempts: 5, backoffMs: 20 },
    );
    await queue.start();

    const id = await queue.now('retry.permanent', {});
    const status = await waitFor('the job to be marked failed', () => queue.status(id), (value) => value?.state === 'failed');

    expect(calls).toBe(1);
    expect(status?.failCount).toBe(1);
    expect(linesWith('Job marked failed without retry: the error is permanent', id)).toHaveLength(1);
  });

  it('fails invalid data before the handler', async () => {
    const queue = await newQueue();
    let calls = 0;
    queue.define(
      'data.checked',
      async () => {
        calls += 1;
      },
      { schema: z.object({ connectionId: z.uuid() }), attempts: 3, backoffMs: 20 },
    );
    await queue.start();

    const id = await queue.now('data.checked', { connectionId: 'not-a-uuid' });
    const status = await waitFor('the job to be marked failed', () => queue.status(id), (value) => value?.state === 'failed');

    expect(calls).toBe(0);
    expect(status?.failCount).toBe(1);
    expect(status?.failReason).toMatch(/invalid data: connectionId/);
  });

  it('keeps one recurring job per unique key', async () => {
    const queue = await newQueue();

    const first = await queue.every('sync.incremental', '15 minutes', { connectionId: 'c-1', tenantId: 't' }, { uniqueKey: 'connectionId' });
    const second = await queue.every('sync.incremental', '15 minutes', { connectionId: 'c-2', tenantId: 't' }, { uniqueKey: 'connectionId' });
    const again = await queue.every('sync.incremental', '30 minutes', { connectionId: 'c-1', tenantId: 't' }, { uniqueKey: 'connectionId' });
    const removed = await queue.cancel('sync.incremental', { connectionId: 'c-2' });

    expect(second).not.toBe(first);
    expect(again).toBe(first);
    expect((await queue.status(first))?.state).toBe('repeating');
    expect(removed).toBe(1);
    expect(await queue.status(second)).toBeNull();
  });

  it('rejects a unique key missing from the data', async () => {
    const queue = await newQueue();

    await expect(queue.every('sync.incremental', '15 minutes', { tenantId: 't' }, { uniqueKey: 'connectionId' })).rejects.toThrow(
      /unique key field "connectionId"/,
    );
  });

  it('drains a job that honours the stop signal', async () => {
    const queue = await newQueue();
    let started: () => void = () => undefined;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    let finished = false;
    queue.define('drain.cooperative', async (_data, job) => {
      started();
      await new Promise((resolve) => job.signal.addEventListener('abort', resolve, { once: true }));
      finished = true;
    });
    await queue.start();
    await queue.now('drain.cooperative', {});
    await running;

    await queue.stop({ drainTimeoutMs: 10_000 });

    expect(finished).toBe(true);
    expect(log.lines.filter((line) => line.msg === 'Job queue stopped').at(-1)?.drained).toBe(true);
  });

  it('stops within the drain bound when a job hangs', async () => {
    const queue = await newQueue();
    let started: () => void = () => undefined;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    queue.define('drain.stuck', async () => {
      started();
      await new Promise(() => undefined);
    });
    await queue.start();
    const id = await queue.now('drain.stuck', {});
    await running;

    const before = Date.now();
    await queue.stop({ drainTimeoutMs: 300 });
    const elapsedMs = Date.now() - before;

    expect(elapsedMs).toBeLessThan(10_000);
    const warning = log.lines.filter((line) => line.msg.startsWith('Job queue stopped with jobs still running')).at(-1);
    expect(warning?.runningJobs).toEqual([expect.objectContaining({ id, name: 'drain.stuck' })]);
  });

  it('rejects enqueueing after stop', async () => {
    const queue = await newQueue();
    await queue.stop();

    await expect(queue.now('any.job', {})).rejects.toThrow(/job queue was stopped/);
  });
});

describe('job queue schema creation', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database?.close();
  });

  it('survives two queues created at once', async () => {
    const { logger } = captureLogger();

    // Agenda alone fails here on a duplicate index; the queue takes an advisory lock first.
    const queues = await Promise.all([createJobQueue({ databaseUrl: database.url, logger }), createJobQueue({ databaseUrl: database.url, logger })]);
    const id = await queues[0].now('schema.check', {});
    const status = await queues[1].status(id);
    await Promise.all(queues.map((queue) => queue.stop()));

    expect(status?.name).toBe('schema.check');
  });
});
