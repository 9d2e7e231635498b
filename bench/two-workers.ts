import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { z } from 'zod';
import { openDatabase, tenantEntityManager } from '../src/database/orm.js';
import { Product } from '../src/entities/index.js';
import { reportLocalStock } from '../src/sync/local-stock.js';
import { progress, type BenchDatabaseServer } from './support/environment.js';
import { seedConnectedSeller, type SeededSeller } from './support/sellers.js';
import { muteMercadoLibreNotifications, startStack, waitUntilQuiet, waitUntilSynced, type Stack } from './support/stack.js';
import type { WorkerOptions } from './worker.js';

const LIMIT = 5;
const TENANTS = 4;
/** Items per tenant; each push of an item costs a GET and a PUT. */
const ITEMS = 12;
const SYNC_TIMEOUT_MS = 180_000;
const WORKER_START_TIMEOUT_MS = 60_000;

interface VariantResult {
  maxPerSecond: number;
  requests: number;
  throttled: number;
  elapsedMs: number;
  /** Marketplace calls each worker process settled. */
  callsPerWorker: number[];
}

/**
 * Runs the imports and stock pushes of four tenants in two worker processes on one MercadoLibre
 * application (5 requests per second). The sandbox counts the requests in each wall-clock second.
 * Baseline: each process keeps its rate limit state in its own database, so each budgets the
 * full rate for itself.
 */
export async function runTwoWorkers(server: BenchDatabaseServer, logger: Logger): Promise<Record<string, unknown>> {
  const shared = await runVariant(server, logger, 'shared');
  const baseline = await runVariant(server, logger, 'per-process');
  const met = shared.maxPerSecond <= LIMIT;
  progress(`two-workers target (at most ${LIMIT} requests in any second) met: ${met ? 'yes' : 'no'}`);
  return { maxPerSecond: shared.maxPerSecond, limit: LIMIT, ...omitMax(shared), baseline: { limiter: 'one per process, not shared', ...baseline }, targetMet: met };
}

async function runVariant(server: BenchDatabaseServer, logger: Logger, variant: 'shared' | 'per-process'): Promise<VariantResult> {
  progress(`two-workers (${variant}): starting the API process and the sandboxes`);
  const env = { MERCADOLIBRE_REQUESTS_PER_SECOND: String(LIMIT), STOCK_PUSH_DEBOUNCE_MS: '0' };
  // This process only serves the OAuth callback and queues jobs; the two children run them.
  const stack = await startStack({ server, label: `two_workers_${variant}`, logger, limits: { mercadolibreRatePerSecond: LIMIT }, env, role: 'api' });
  const workers: Worker[] = [];
  try {
    muteMercadoLibreNotifications(stack);
    const sellers: SeededSeller[] = [];
    for (let index = 0; index < TENANTS; index += 1) sellers.push(await seedConnectedSeller(stack, `tenant-${index}`, `W${index}`, ITEMS));

    const requests = stack.sandboxes.mercadolibre.requests;
    const from = requests.length;
    for (let index = 0; index < 2; index += 1) {
      const limiterDatabaseUrl = variant === 'per-process' ? await migratedDatabase(server, `limiter_${index}`) : null;
      workers.push(await startWorker(stack, env, limiterDatabaseUrl));
    }
    progress(`two-workers (${variant}): two worker processes started; they run the ${TENANTS} imports`);
    await Promise.all(sellers.map((seller) => waitUntilSynced(stack, seller.tenantId, seller.connectionId, SYNC_TIMEOUT_MS)));

    progress(`two-workers (${variant}): reporting new stock levels, which the workers push`);
    for (const seller of sellers) {
      const em = tenantEntityManager(stack.runtime.orm, seller.tenantId);
      const products = await em.find(Product, {});
      const result = await reportLocalStock(em, products.map((product) => ({ sku: product.sku, stock: product.stock + 2 })));
      for (const connectionId of result.connectionIds) await stack.runtime.scheduler.pushStock({ tenantId: seller.tenantId, connectionId });
    }
    await Promise.all(sellers.map((seller) => waitUntilSynced(stack, seller.tenantId, seller.connectionId, SYNC_TIMEOUT_MS)));
    await waitUntilQuiet(requests, 1500);
    const callsPerWorker = await Promise.all(workers.splice(0).map((worker) => worker.stop()));

    const window = requests.slice(from).filter((request) => request.appClientId !== undefined);
    const perSecond = new Map<number, number>();
    for (const request of window) perSecond.set(Math.floor(request.at / 1000), (perSecond.get(Math.floor(request.at / 1000)) ?? 0) + 1);
    const result = {
      maxPerSecond: Math.max(0, ...perSecond.values()),
      requests: window.length,
      throttled: window.filter((request) => request.status === 429).length,
      elapsedMs: window.length > 0 ? window.at(-1)!.at - window[0]!.at : 0,
      callsPerWorker,
    };
    progress(`two-workers (${variant}): at most ${result.maxPerSecond} requests in one second, ${result.throttled} rejected with 429, calls per worker ${callsPerWorker.join(' and ')}`);
    return result;
  } finally {
    for (const worker of workers) worker.kill();
    await stack.stop();
  }
}

function omitMax(result: VariantResult): Omit<VariantResult, 'maxPerSecond'> {
  const { maxPerSecond: _omitted, ...rest } = result;
  return rest;
}

/** Creates a database with the product's schema, where a worker can keep its own rate limit state. */
async function migratedDatabase(server: BenchDatabaseServer, label: string): Promise<string> {
  const url = await server.createDatabase(label);
  const orm = await openDatabase(url);
  await orm.close(true);
  return url;
}

interface Worker {
  /** Asks the worker to stop and returns the calls it settled. */
  stop(): Promise<number>;
  kill(): void;
}

const resultLineSchema = z.object({ calls: z.number() });

/** Starts `worker.js` in a child process and waits until its job worker runs. */
async function startWorker(stack: Stack, env: Record<string, string>, limiterDatabaseUrl: string | null): Promise<Worker> {
  const mercadolibre = stack.sandboxes.endpoints.mercadolibre;
  if (!mercadolibre) throw new Error('The MercadoLibre sandbox endpoints are missing.');
  const options: WorkerOptions = {
    databaseUrl: stack.databaseUrl,
    limiterDatabaseUrl,
    publicUrl: stack.publicUrl,
    env: { NODE_ENV: 'test', DATA_DIR: stack.config.DATA_DIR, JOB_POLL_INTERVAL_MS: '100', ...env },
    mercadolibre,
  };
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [fileURLToPath(new URL('./worker.js', import.meta.url))], { stdio: 'pipe' });
  child.stderr.pipe(process.stderr);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  // Options carry the app secret, so they go through stdin rather than the command line.
  child.stdin.write(`${JSON.stringify(options)}\n`);

  const readLine = async (expected: string, timeoutMs: number): Promise<string> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`The bench worker (pid ${child.pid}) did not print ${expected} within ${timeoutMs} ms.`)), timeoutMs);
    });
    const ended = exited.then((code) => {
      throw new Error(`The bench worker (pid ${child.pid}) exited with code ${code} before printing ${expected}; its stderr is above.`);
    });
    try {
      const line = await Promise.race([lines.next(), timeout, ended]);
      if (line.done) throw new Error(`The bench worker (pid ${child.pid}) closed its output before printing ${expected}.`);
      return line.value;
    } finally {
      clearTimeout(timer);
    }
  };

  const ready = await readLine('ready', WORKER_START_TIMEOUT_MS);
  if (ready.trim() !== 'ready') throw new Error(`The bench worker printed "${ready}" instead of ready.`);
  return {
    async stop() {
      child.stdin.write('stop\n');
      const result = resultLineSchema.parse(JSON.parse(await readLine('its call count', 60_000)));
      await exited;
      return result.calls;
    },
    kill() {
      if (child.exitCode === null) child.kill('SIGTERM');
    },
  };
}
