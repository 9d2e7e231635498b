import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG_COLUMNS } from '../../src/catalog/columns.js';
import { runImportCatalog } from '../../src/commands/import-catalog.js';
import { tenantEntityManager } from '../../src/database/orm.js';
import { Product } from '../../src/entities/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { REAL_CATALOG_PATH, buildCsv } from './support.js';
import { testLogger } from '../support/logger.js';

/** Collects what the command writes to one stream. */
function capture() {
  let text = '';
  return {
    stream: { write: (chunk: string) => { text += chunk; } },
    get text() {
      return text;
    },
  };
}

describe('import-catalog command', () => {
  let database: TestDatabase;
  let folder: string;
  const logger = testLogger();

  const run = async (argv: string[], env: NodeJS.ProcessEnv = { NODE_ENV: 'test' }, withOrm = true) => {
    const stdout = capture();
    const stderr = capture();
    const code = await runImportCatalog(argv, {
      orm: withOrm ? database.orm : undefined, stdout: stdout.stream, stderr: stderr.stream, env, logger,
    });
    return { code, stdout: stdout.text, stderr: stderr.text };
  };
  const count = (tenantId: string) => tenantEntityManager(database.orm, tenantId).count(Product, {});

  beforeAll(async () => {
    database = await createTestDatabase();
    folder = await mkdtemp(path.join(tmpdir(), 'egdc-import-command-'));
    // The embedded PostgreSQL runs as the `postgres` user when tests run as root, so it must reach the folder.
    await chmod(folder, 0o755);
  });

  afterAll(async () => {
    await database.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('prints a Spanish report by default', async () => {
    const file = path.join(folder, 'problems.csv');
    await writeFile(file, buildCsv([{ sku: 'P1', talla: '22' }, { sku: 'P2', talla: '23', ean: '7506597529565' }]));
    const result = await run([file, '--tenant', 'cli-es']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      'Filas leídas: 2. Importadas: 1 (nuevas 1, actualizadas 0, sin cambios 0). Filas con problemas: 1.',
      'Fila 3: el EAN 7506597529565 tiene un dígito verificador inválido (se esperaba 4).',
      '',
    ]);
    expect(await count('cli-es')).toBe(1);
  });

  it('prints English JSON', async () => {
    const result = await run([REAL_CATALOG_PATH, '--tenant', 'cli-json', '--locale', 'en', '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(report).toEqual({ totalRows: 2400, imported: 2400, created: 2400, updated: 0, unchanged: 0, problems: [] });
    expect(await count('cli-json')).toBe(2400);
  });

  it('adds the message to JSON problems', async () => {
    const file = path.join(folder, 'negative.csv');
    await writeFile(file, buildCsv([{ inv_egdc: '-4' }]));
    const result = await run([file, '--tenant', 'cli-json-problem', '--json', '--locale', 'en']);
    const report = JSON.parse(result.stdout) as { problems: Array<Record<string, unknown>> };
    expect(report.problems).toEqual([{
      code: 'stock_negative', params: { value: '-4' }, row: 2, sku: 'GABR200_PLATA23', field: 'inv_egdc',
      reason: 'inv_egdc has negative stock (-4)', message: 'Row 2: inv_egdc has negative stock (-4).',
    }]);
  });

  it('fails on a missing file', async () => {
    const file = path.join(folder, 'absent.csv');
    const result = await run([file, '--tenant', 'cli-missing']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`No se encontró el archivo ${file}. Revisa la ruta y ejecuta el comando de nuevo.\n`);
  });

  it('fails on missing columns without writing', async () => {
    const file = path.join(folder, 'columns.csv');
    await writeFile(file, buildCsv([{}], { columns: CATALOG_COLUMNS.filter((column) => column !== 'talla') }));
    const result = await run([file, '--tenant', 'cli-columns', '--locale', 'en']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('The header has no column "talla". The expected header is: categoria,marca,');
    expect(await count('cli-columns')).toBe(0);
  });

  it('prints a file error as JSON', async () => {
    const file = path.join(folder, 'empty.csv');
    await writeFile(file, '');
    const result = await run([file, '--tenant', 'cli-empty', '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'file_empty' } });
  });

  it('rejects wrong usage', async () => {
    expect((await run([REAL_CATALOG_PATH])).code).toBe(2);
    expect((await run([REAL_CATALOG_PATH, '--tenant', 't', '--locale', 'fr'])).stderr).toContain('Invalid --locale "fr"');
    expect((await run(['--tenant', 't'])).stderr).toContain('Expected one FILE argument, got 0.');
    expect((await run([REAL_CATALOG_PATH, '--tenant', 't', '--dry-run'])).code).toBe(2);
  });

  it('prints help', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--tenant TENANT');
  });

  it('opens DATABASE_URL', async () => {
    const file = path.join(folder, 'url.csv');
    await writeFile(file, buildCsv([{ sku: 'U1' }]));
    const result = await run([file, '--tenant', 'cli-url'], { NODE_ENV: 'test', DATABASE_URL: database.url }, false);
    expect(result.code).toBe(0);
    expect(await count('cli-url')).toBe(1);
  });

  it('reports an invalid configuration', async () => {
    const result = await run([REAL_CATALOG_PATH, '--tenant', 'cli-config'], { DATABASE_URL: 'mysql://localhost/egdc' }, false);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('DATABASE_URL must start with postgres://');
  });

  it('starts the embedded PostgreSQL without DATABASE_URL', async () => {
    const file = path.join(folder, 'embedded.csv');
    await writeFile(file, buildCsv([{ sku: 'E1', talla: '22' }, { sku: 'E2', talla: '23' }]));
    const env = { NODE_ENV: 'test', DATA_DIR: path.join(folder, 'data') } as const;

    const first = await run([file, '--tenant', 'cli-embedded', '--locale', 'en'], env, false);
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('created 2');

    // The data folder is kept, so a second run finds the products stored by the first.
    const second = await run([file, '--tenant', 'cli-embedded', '--locale', 'en'], env, false);
    expect(second.stdout).toContain('unchanged 2');
  });
});
