import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/database/embedded.js';
import { createJobQueue, JobBackendConnectionError } from '../../src/jobs/queue.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { captureLogger } from '../events/log-capture.js';

// NOTE: no MongoDB server can be installed on the development machines or in CI, so these tests
// cover loading the MongoDB backend and its connection error. The round trip below runs only
// where MONGODB_URL points at a real server.
describe('job queue on MongoDB', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database?.close();
  });

  it('reports an unreachable server clearly', async () => {
    const port = await freePort();
    const { logger } = captureLogger();

    const attempt = createJobQueue({
      databaseUrl: database.url,
      mongodbUrl: `mongodb://queue-user:s3cret-password@127.0.0.1:${port}/egdc_jobs`,
      mongoServerSelectionTimeoutMs: 300,
      logger,
    });

    await expect(attempt).rejects.toBeInstanceOf(JobBackendConnectionError);
    await expect(attempt).rejects.toThrow(`Could not connect the job queue to MongoDB at mongodb://127.0.0.1:${port}/egdc_jobs`);
    await expect(attempt).rejects.toThrow(/Check MONGODB_URL/);
    await expect(attempt).rejects.not.toThrow(/s3cret-password/);
  });

  it.runIf(process.env.MONGODB_URL)('runs a job stored in MongoDB', async () => {
    const { logger } = captureLogger();
    const queue = await createJobQueue({ databaseUrl: database.url, mongodbUrl: process.env.MONGODB_URL, logger, processEvery: 100 });
    try {
      let markRan: (id: string) => void = () => undefined;
      const ran = new Promise<string>((resolve) => {
        markRan = resolve;
      });
      queue.define('mongo.check', async (_data, job) => markRan(job.id));
      await queue.start();

      const id = await queue.now('mongo.check', {});

      expect(queue.backend).toBe('mongodb');
      expect(await ran).toBe(id);
    } finally {
      await queue.stop();
    }
  });
});
