import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = path.join(projectRoot, 'test/jobs/fixtures/run-one-job-then-stop.ts');
const EXIT_WAIT_MS = 30_000;

interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
  exitedOnItsOwn: boolean;
}

/** Runs the fixture in a separate Node process (TypeScript through jiti) and waits for it to end by itself. */
function runChild(databaseUrl: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'jiti/register', fixture], {
      cwd: projectRoot,
      env: { ...process.env, JOB_TEST_DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let exitedOnItsOwn = true;
    let killTimer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // Once stop() has returned, the process must end without help.
      if (stdout.includes('stopMs') && !killTimer) {
        killTimer = setTimeout(() => {
          exitedOnItsOwn = false;
          child.kill('SIGKILL');
        }, EXIT_WAIT_MS);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(killTimer);
      resolve({ code, stdout, stderr, exitedOnItsOwn });
    });
  });
}

describe('job queue process exit', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database?.close();
  });

  it('ends the process after stop()', async () => {
    const result = await runChild(database.url);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.exitedOnItsOwn).toBe(true);
    const { stopMs } = JSON.parse(result.stdout) as { stopMs: number };
    expect(stopMs).toBeLessThan(10_000);
  });
});
