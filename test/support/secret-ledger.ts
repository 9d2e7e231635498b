import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/**
 * Folder of the run's secret-leak check, set by the global setup and inherited by workers and child
 * processes. Unset, the ledger and the captures record nothing.
 */
export const SECRET_CHECK_DIR_VARIABLE = 'EGDC_SECRET_CHECK_DIR';

/** A secret the suite created, named by what it is and where it came from (never shown with its value). */
export interface LedgerSecret {
  kind: string;
  value: string;
}

const ledgerLineSchema = z.object({ kind: z.string().min(1), value: z.string() });

export function secretCheckDir(): string | undefined {
  const dir = process.env[SECRET_CHECK_DIR_VARIABLE];
  return dir === undefined || dir === '' ? undefined : dir;
}

// One file per process and module instance, so parallel workers never interleave their writes.
const fileSuffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
const recorded = new Set<string>();

/** Appends a secret to the run's ledger; repeats of the same kind and value are written once. */
export function recordSecret(kind: string, value: string): void {
  const dir = secretCheckDir();
  if (!dir || value === '') return;
  const key = `${kind}\u0000${value}`;
  if (recorded.has(key)) return;
  recorded.add(key);
  const ledgerDir = path.join(dir, 'ledger');
  mkdirSync(ledgerDir, { recursive: true });
  appendFileSync(path.join(ledgerDir, `${fileSuffix}.jsonl`), `${JSON.stringify({ kind, value })}\n`);
}

/** Records the name of a test database, so the final check can read its rows. */
export function recordTestDatabase(name: string): void {
  const dir = secretCheckDir();
  if (!dir) return;
  const databasesDir = path.join(dir, 'databases');
  mkdirSync(databasesDir, { recursive: true });
  appendFileSync(path.join(databasesDir, `${fileSuffix}.txt`), `${name}\n`);
}

/** Reads every ledger file under `dir`; the same value recorded under several kinds keeps its first kind. */
export async function readLedger(dir: string): Promise<LedgerSecret[]> {
  const byValue = new Map<string, LedgerSecret>();
  for (const line of await readLines(path.join(dir, 'ledger'))) {
    const parsed = ledgerLineSchema.safeParse(JSON.parse(line));
    if (!parsed.success) throw new Error(`Invalid secret ledger line under ${dir}: ${z.prettifyError(parsed.error)}`);
    if (!byValue.has(parsed.data.value)) byValue.set(parsed.data.value, parsed.data);
  }
  return [...byValue.values()];
}

/** Reads the names of the test databases the run created. */
export async function readTestDatabases(dir: string): Promise<string[]> {
  return [...new Set(await readLines(path.join(dir, 'databases')))];
}

async function readLines(folder: string): Promise<string[]> {
  let files: string[];
  try {
    files = await readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const lines: string[] = [];
  for (const file of files.sort()) {
    const text = await readFile(path.join(folder, file), 'utf8');
    lines.push(...text.split('\n').filter((line) => line !== ''));
  }
  return lines;
}
