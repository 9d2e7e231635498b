import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { REFRESH_WORKER_INPUT, refreshWorkerMessage, type RefreshWorkerInput } from './refresh-worker.js';

const launcher = path.join(path.dirname(fileURLToPath(import.meta.url)), 'refresh-child.mjs');
const projectRoot = path.resolve(path.dirname(launcher), '../..');

/** A second Node process that runs concurrent token requests against the same database and sandbox. */
export interface RefreshProcess {
  /** Resolves once the process is connected and waiting for `go()`. */
  ready: Promise<void>;
  /** Starts the process's callers. */
  go(): void;
  /** Digests of the tokens its callers got, and the messages of the calls that failed. */
  done: Promise<{ digests: string[]; errors: string[] }>;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  kill(): void;
}

export function startRefreshProcess(input: RefreshWorkerInput): RefreshProcess {
  const child = spawn(process.execPath, [launcher], {
    cwd: projectRoot,
    env: { ...process.env, [REFRESH_WORKER_INPUT]: JSON.stringify(input) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => resolve(code));
  });
  const failure = (what: string) => exited.then((code) => {
    throw new Error(`Refresh worker process exited with code ${code} before ${what}. Its stderr:\n${stderr}`);
  });

  let markReady: () => void = () => undefined;
  let markDone: (result: { digests: string[]; errors: string[] }) => void = () => undefined;
  const ready = new Promise<void>((resolve) => { markReady = resolve; });
  const done = new Promise<{ digests: string[]; errors: string[] }>((resolve) => { markDone = resolve; });
  createInterface({ input: child.stdout }).on('line', (line) => {
    const parsed = refreshWorkerMessage.safeParse(safeJson(line));
    if (!parsed.success) return;
    if (parsed.data.event === 'ready') markReady();
    else markDone({ digests: parsed.data.digests, errors: parsed.data.errors });
  });

  return {
    ready: Promise.race([ready, failure('it was ready')]),
    go: () => child.stdin.write('go\n'),
    done: Promise.race([done, failure('it reported its results')]),
    exited,
    kill: () => child.kill('SIGKILL'),
  };
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
