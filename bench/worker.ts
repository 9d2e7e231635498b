// A worker process for the two-workers benchmark: the product runtime with role `worker`. It reads
// its options as one JSON line on stdin, prints `ready` once its job worker runs, stops on a `stop`
// line, and prints `{"calls":N}` with the marketplace calls it settled before exiting.
import 'reflect-metadata';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { startRuntime } from '../src/app/runtime.js';
import { loadConfig } from '../src/config.js';
import { createTrafficControl, trafficSettingsFrom } from '../src/traffic/index.js';
import { benchLogger } from './support/environment.js';
import { CallTally, talliedTraffic } from './support/traffic.js';

export const workerOptionsSchema = z.object({
  databaseUrl: z.string().min(1),
  /** Database for this process's own rate limit state, for the baseline without a shared limit. */
  limiterDatabaseUrl: z.string().min(1).nullable(),
  publicUrl: z.string().min(1),
  env: z.record(z.string(), z.string()),
  mercadolibre: z.object({ clientId: z.string(), clientSecret: z.string(), authBaseUrl: z.string(), apiBaseUrl: z.string() }),
});
export type WorkerOptions = z.infer<typeof workerOptionsSchema>;

async function main(): Promise<number> {
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) throw new Error('The worker received no options on stdin.');
  const options = workerOptionsSchema.parse(JSON.parse(first.value));
  const logger = benchLogger();
  const config = loadConfig(options.env);
  const runtime = await startRuntime({ config, logger, role: 'worker', databaseUrl: options.databaseUrl, port: 0, publicUrl: options.publicUrl, endpoints: { mercadolibre: options.mercadolibre } });
  const ownLimiter = options.limiterDatabaseUrl
    ? createTrafficControl({ databaseUrl: options.limiterDatabaseUrl, settings: trafficSettingsFrom(config), logger })
    : null;
  const tally = new CallTally();
  runtime.syncDependencies.traffic = talliedTraffic(ownLimiter ?? runtime.syncDependencies.traffic ?? null, tally);
  process.stdout.write('ready\n');

  for (let line = await lines.next(); !line.done && line.value.trim() !== 'stop'; line = await lines.next()) {
    // Only `stop` is expected; other lines are ignored.
  }
  await runtime.stop();
  await ownLimiter?.close();
  process.stdout.write(`${JSON.stringify({ calls: tally.totalCalls })}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
