// `npm run bench -- NAME`: runs benchmarks and prints one `bench NAME: {json}` line per benchmark on stdout.
import 'reflect-metadata';
import type { Logger } from 'pino';
import { selectBenchmarks, type BenchmarkName } from './names.js';
import { benchLogger, progress, startDatabaseServer, type BenchDatabaseServer } from './support/environment.js';

type Benchmark = (server: BenchDatabaseServer, logger: Logger) => Promise<Record<string, unknown>>;

/** Loaded on demand, so that a run of one benchmark loads only its own code. */
const BENCHMARKS: Record<BenchmarkName, () => Promise<Benchmark>> = {
  'import-quota': async () => (await import('./import-quota.js')).runImportQuota,
  fairness: async () => (await import('./fairness.js')).runFairness,
  'two-workers': async () => (await import('./two-workers.js')).runTwoWorkers,
  'push-calls': async () => (await import('./push-calls.js')).runPushCalls,
};

async function main(): Promise<number> {
  const selection = selectBenchmarks(process.argv.slice(2));
  if (!selection.ok) {
    process.stderr.write(`${selection.message}\n`);
    return 2;
  }
  const logger = benchLogger();
  const server = await startDatabaseServer(logger);
  // The embedded PostgreSQL is a child process: stop it before exiting on Ctrl-C.
  const stopOnSignal = (signal: NodeJS.Signals): void => {
    progress(`${signal} received; stopping PostgreSQL`);
    void server.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    for (const name of selection.names) {
      const started = Date.now();
      progress(`${name}: started`);
      const run = await BENCHMARKS[name]();
      const figures = await run(server, logger);
      const result = { ...figures, runMs: Date.now() - started };
      process.stdout.write(`bench ${name}: ${JSON.stringify(result)}\n`);
      progress(`${name}: finished in ${Math.round((Date.now() - started) / 1000)} s; target met: ${figures.targetMet === true ? 'yes' : 'no'}`);
    }
    return 0;
  } catch (error) {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  } finally {
    await server.stop();
  }
}

process.exit(await main());
