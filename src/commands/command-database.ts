import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../database/embedded.js';
import { openDatabase, type MikroORM } from '../database/orm.js';

/** Output stream of a command; a test passes its own. */
export interface OutputStream {
  write(text: string): unknown;
}

/** Command-line parse result shared by the commands: the help flag, a usage error, or the arguments. */
export type ParsedCommandLine<T> = { help: true } | { error: string } | T;

/**
 * Prints the help or the usage error when `args` is one of them and returns the exit code to end
 * with (0 for help, 2 for a usage error). Returns the arguments when the command should run.
 */
export function usageOutcome<T extends object>(
  args: ParsedCommandLine<T>,
  usage: string,
  streams: { stdout: OutputStream; stderr: OutputStream },
): { exitCode: number } | { args: T } {
  if ('help' in args) {
    streams.stdout.write(usage);
    return { exitCode: 0 };
  }
  if ('error' in args) {
    streams.stderr.write(`${args.error}\n\n${usage}`);
    return { exitCode: 2 };
  }
  return { args };
}

export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error) ?? String(error);
}

/**
 * Opens DATABASE_URL for a command, or the embedded PostgreSQL in the data folder when it is not
 * set (sharing the server `npm start` runs there, if any). Returns null after printing why it failed.
 */
export async function openCommandDatabase(config: Config, logger: Logger, stderr: OutputStream): Promise<{ orm: MikroORM; close(): Promise<void> } | null> {
  let embedded: EmbeddedDatabase | undefined;
  let url = config.DATABASE_URL;
  if (!url) {
    const dataDir = path.join(config.DATA_DIR, 'postgres');
    try {
      embedded = await startEmbeddedPostgres({ dataDir, port: config.EMBEDDED_POSTGRES_PORT, logger });
    } catch (error) {
      stderr.write(
        `Could not start the embedded PostgreSQL in ${dataDir}: ${errorText(error)}. ` +
          'Set DATABASE_URL to use another server, or stop the PostgreSQL that still uses that folder.\n',
      );
      return null;
    }
    url = embedded.url;
    // Ctrl-C must not leave the embedded server running.
    const started = embedded;
    const stopOnSignal = () => void started.stop().finally(() => process.exit(130));
    process.once('SIGINT', stopOnSignal);
    process.once('SIGTERM', stopOnSignal);
  }

  try {
    const orm = await openDatabase(url, logger);
    return {
      orm,
      async close() {
        await orm.close(true);
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    stderr.write(`Could not open the database: ${errorText(error)}. Check DATABASE_URL and that the server is running.\n`);
    return null;
  }
}
