import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { dumpDatabaseText } from './database-dump.js';
import { readLedger, readTestDatabases } from './secret-ledger.js';
import { MIN_SECRET_LENGTH, SecretScanner, type SecretHit } from './secret-scan.js';

export interface LeakCheckResult {
  /** Where each secret was found: kind, encoding, capture file and line, never the value. */
  leaks: Array<SecretHit & { file: string }>;
  /** One line: secrets checked, bytes scanned and leaks found. */
  summary: string;
  /** Problems that make the check itself doubtful, such as an empty ledger. */
  warnings: string[];
}

/** Most leak lines printed; the summary still counts them all. */
const MAX_REPORTED_LEAKS = 40;

/**
 * Runs the suite-wide secret-leak check over the check folder `dir`: dumps the text columns of the
 * run's test databases into the captures, then searches every capture for every ledger secret.
 */
export async function runLeakCheck(dir: string, postgresAdminUrl: string | undefined): Promise<LeakCheckResult> {
  const startedAt = performance.now();
  const warnings: string[] = [];
  const capturesDir = path.join(dir, 'captures');
  await mkdir(capturesDir, { recursive: true });

  const databases = await readTestDatabases(dir);
  if (databases.length > 0 && !postgresAdminUrl) warnings.push(`${databases.length} test databases were not read: no PostgreSQL URL was provided.`);
  for (const name of postgresAdminUrl ? databases : []) {
    const values = await dumpDatabaseText(postgresAdminUrl!, name, path.join(capturesDir, `database.${name}.jsonl`));
    if (values === null) warnings.push(`Test database ${name} no longer exists, so its rows were not searched.`);
  }

  const secrets = await readLedger(dir);
  const scanner = new SecretScanner(secrets);
  if (scanner.checkedCount === 0) warnings.push('The secret ledger is empty: no sandbox or test support recorded a secret, so nothing was searched for.');

  const leaks: LeakCheckResult['leaks'] = [];
  let bytes = 0;
  const files = (await readdir(capturesDir)).sort();
  for (const file of files) {
    const result = await scanner.scanFile(path.join(capturesDir, file));
    bytes += result.bytes;
    leaks.push(...result.hits.map((hit) => ({ ...hit, file })));
  }

  const kinds = new Set(secrets.map((secret) => secret.kind)).size;
  const summary = `secret-leak check: ${scanner.checkedCount} secrets of ${kinds} kinds checked ` +
    `(${scanner.skippedCount} shorter than ${MIN_SECRET_LENGTH} characters skipped), ` +
    `${formatBytes(bytes)} scanned in ${files.length} captures (${databases.length} databases) in ${Math.round(performance.now() - startedAt)} ms, ` +
    `${leaks.length} leaks found`;
  return { leaks, summary, warnings };
}

/** Formats the report printed at the end of the run. */
export function formatLeakReport(result: LeakCheckResult, dir: string): string {
  const lines = [result.summary, ...result.warnings.map((warning) => `secret-leak check warning: ${warning}`)];
  if (result.leaks.length === 0) return lines.join('\n');
  lines.push('Secret values were found where none may appear (kind, encoding, capture file:line):');
  for (const leak of result.leaks.slice(0, MAX_REPORTED_LEAKS)) {
    lines.push(`  ${leak.kind} (${leak.encoding}) in ${leak.file}:${leak.line}`);
  }
  if (result.leaks.length > MAX_REPORTED_LEAKS) lines.push(`  ... and ${result.leaks.length - MAX_REPORTED_LEAKS} more`);
  lines.push(`The captures and the ledger are kept in ${dir} (delete it when done): find the line, then redact the value where the product writes it.`);
  return lines.join('\n');
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
