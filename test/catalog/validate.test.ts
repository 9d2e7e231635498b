import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOG_COLUMNS } from '../../src/catalog/columns.js';
import { gtinCheckDigit } from '../../src/catalog/gtin.js';
import { readCatalog } from '../../src/catalog/import.js';
import { CatalogFileError, type CatalogFileProblem, type RowProblem } from '../../src/catalog/problems.js';
import { isValidGtin } from '../../src/catalog/validate.js';
import { BASE_ROW, REAL_CATALOG_PATH, buildCsv, type RowOverrides } from './support.js';

const realFile = readFileSync(REAL_CATALOG_PATH);

/** Gives each row its own size, so that rows differing only in SKU are not duplicate sizes. */
function distinctSizes(rows: readonly RowOverrides[]): RowOverrides[] {
  return rows.map((row, position) => ({ talla: String(22 + position), ...row }));
}

function problemsOf(rows: readonly RowOverrides[]): Array<Pick<RowProblem, 'row' | 'field' | 'code'>> {
  return readCatalog(buildCsv(distinctSizes(rows))).problems.map(({ row, field, code }) => ({ row, field, code }));
}

function fileProblemOf(input: string | Buffer): CatalogFileProblem {
  try {
    readCatalog(input);
  } catch (error) {
    if (error instanceof CatalogFileError) return error.problem;
    throw error;
  }
  throw new Error('expected a CatalogFileError');
}

describe('isValidGtin', () => {
  it('accepts EANs from the real export', () => {
    expect(isValidGtin('7506597529564')).toBe(true);
    expect(isValidGtin('7506597529427')).toBe(true);
    expect(isValidGtin('7506597600010')).toBe(true);
  });

  it('rejects a wrong check digit', () => {
    expect(isValidGtin('7506597529565')).toBe(false);
    expect(gtinCheckDigit('750659752956')).toBe(4);
  });

  it('accepts GTIN-8, UPC-A and GTIN-14', () => {
    expect(isValidGtin('96385074')).toBe(true);
    expect(isValidGtin('036000291452')).toBe(true);
    expect(isValidGtin('10012345678902')).toBe(true);
    expect(isValidGtin('10012345678903')).toBe(false);
  });

  it('rejects other lengths and non-digits', () => {
    expect(isValidGtin('75065975295')).toBe(false);
    expect(isValidGtin('750659752956400')).toBe(false);
    expect(isValidGtin('750659752956A')).toBe(false);
    expect(isValidGtin('')).toBe(false);
  });

  it('accepts every EAN of the real export', () => {
    const catalog = readCatalog(realFile);
    const invalid = catalog.rows.filter((row) => row.ean === null || !isValidGtin(row.ean));
    expect(invalid).toEqual([]);
  });
});

describe('readCatalog on the real export', () => {
  it('reads 2,400 valid rows', () => {
    const catalog = readCatalog(realFile);
    expect(catalog.totalRows).toBe(2400);
    expect(catalog.rows).toHaveLength(2400);
    expect(catalog.problems).toEqual([]);
  });

  it('numbers rows by file line', () => {
    const catalog = readCatalog(realFile);
    expect(catalog.rows[0]!.row).toBe(2);
    expect(catalog.rows.at(-1)!.row).toBe(2401);
  });

  it('maps the first row', () => {
    const [first] = readCatalog(realFile).rows;
    expect(first).toEqual({
      row: 2,
      sku: 'GABR200_PLATA23',
      ean: '7506597529564',
      category: 'Tacones',
      brand: 'GABRIELAS',
      model: '200',
      color: 'PLATA',
      size: '23',
      cost: 190,
      priceModifiers: { SHEIN: 1.5, SHOPIFY: 2, MERCADOLIBRE: 2.2 },
      stockByWarehouse: { egdc: 3, fami: 5 },
      stock: 8,
      channels: ['SHEIN', 'MERCADOLIBRE', 'SHOPIFY', 'TIKTOK', 'UPSELLER'],
    });
  });
});

describe('readCatalog input forms', () => {
  const expected = readCatalog(buildCsv([{}])).rows[0]!;

  it('accepts columns in any order', () => {
    const shuffled = [...CATALOG_COLUMNS].reverse();
    expect(readCatalog(buildCsv([{}], { columns: shuffled })).rows).toEqual([expected]);
  });

  it('accepts a BOM, CRLF and padded cells', () => {
    const padded = buildCsv([{}], { lineEnd: '\r\n' }).replaceAll(',', ' ,  ');
    const catalog = readCatalog(Buffer.from(`\uFEFF${padded}`, 'utf8'));
    expect(catalog.rows).toEqual([expected]);
    expect(catalog.problems).toEqual([]);
  });

  it('accepts header names in capitals', () => {
    const text = buildCsv([{}]).replace('categoria,marca', 'CATEGORIA, Marca');
    expect(readCatalog(text).rows).toEqual([expected]);
  });

  it('ignores unknown columns', () => {
    const text = buildCsv([{}], { columns: [...CATALOG_COLUMNS, 'notas'] });
    expect(readCatalog(text).rows).toEqual([expected]);
  });

  it('skips blank and all-empty rows', () => {
    const empty = ','.repeat(CATALOG_COLUMNS.length - 1);
    const text = `${buildCsv([{}]).trimEnd()}\n\n${empty}\n`;
    const catalog = readCatalog(text);
    expect(catalog.totalRows).toBe(1);
    expect(catalog.problems).toEqual([]);
  });

  it('keeps line numbers after a multi-line cell', () => {
    const text = buildCsv([{ color: 'PLATA\nBRILLO', sku: 'A1' }, { sku: 'A2', talla: '24' }, { sku: '', talla: '25' }]);
    const catalog = readCatalog(text);
    expect(catalog.rows.map((row) => row.row)).toEqual([2, 4]);
    expect(catalog.problems.map((problem) => problem.row)).toEqual([5]);
  });

  it('reads a header-only file as empty', () => {
    const catalog = readCatalog(`${CATALOG_COLUMNS.join(',')}\n`);
    expect(catalog).toEqual({ totalRows: 0, rows: [], problems: [] });
  });
});

describe('readCatalog cell rules', () => {
  it('reads every accepted flag spelling', () => {
    const catalog = readCatalog(buildCsv([
      { sku: 'F1', talla: '22', shein: 'true', meli: 'false', shopify: '1', tiktok: '0', upseller: 'VERDADERO', go_trendier: 'falso' },
      { sku: 'F2', talla: '24', shein: 'FALSE', meli: 'Verdadero', shopify: '', tiktok: 'TRUE', upseller: 'FALSO', go_trendier: 'True' },
    ]));
    expect(catalog.problems).toEqual([]);
    expect(catalog.rows[0]!.channels).toEqual(['SHEIN', 'SHOPIFY', 'UPSELLER']);
    expect(catalog.rows[1]!.channels).toEqual(['MERCADOLIBRE', 'TIKTOK', 'GO_TRENDIER']);
  });

  it('rejects an unknown flag', () => {
    expect(problemsOf([{ meli: 'SI' }])).toEqual([{ row: 2, field: 'meli', code: 'flag_invalid' }]);
  });

  it('stores an empty EAN as null', () => {
    expect(readCatalog(buildCsv([{ ean: '' }])).rows[0]!.ean).toBeNull();
  });

  it('leaves an empty modifier unset', () => {
    const [row] = readCatalog(buildCsv([{ shein_modifier: '' }])).rows;
    expect(row!.priceModifiers).toEqual({ SHOPIFY: 2, MERCADOLIBRE: 2.2 });
  });

  it('accepts decimals with a point', () => {
    const [row] = readCatalog(buildCsv([{ costo: '190.50', meli_modifier: '2.25' }])).rows;
    expect(row!.cost).toBe(190.5);
    expect(row!.priceModifiers.MERCADOLIBRE).toBe(2.25);
  });

  it('rejects decimal commas', () => {
    expect(problemsOf([{ costo: '190,50', meli_modifier: '2,2', talla: '22,5' }])).toEqual([
      { row: 2, field: 'talla', code: 'decimal_comma' },
      { row: 2, field: 'costo', code: 'decimal_comma' },
      { row: 2, field: 'meli_modifier', code: 'decimal_comma' },
    ]);
  });

  it('reports an unquoted decimal comma as a cell count', () => {
    const text = buildCsv([{}]).replace(',190,', ',190,50,');
    const [problem] = readCatalog(text).problems;
    expect(problem).toMatchObject({ row: 2, field: 'row', code: 'column_count', params: { expected: 19, actual: 20 } });
  });

  it('reports a short row', () => {
    const text = buildCsv([{}]).replace(',TRUE,FALSE\n', ',TRUE\n');
    const [problem] = readCatalog(text).problems;
    expect(problem).toMatchObject({ row: 2, field: 'row', code: 'column_count', params: { expected: 19, actual: 18 } });
    expect(problem!.reason).toBe('the row has 18 cells but the header has 19. Give the row a cell for every column');
  });

  it('rejects bad costs', () => {
    expect(problemsOf([{ sku: 'C1', costo: '' }, { sku: 'C2', costo: 'abc' }, { sku: 'C3', costo: '-1' }])).toEqual([
      { row: 2, field: 'costo', code: 'cost_missing' },
      { row: 3, field: 'costo', code: 'cost_invalid' },
      { row: 4, field: 'costo', code: 'cost_negative' },
    ]);
  });

  it('accepts a zero cost', () => {
    expect(readCatalog(buildCsv([{ costo: '0' }])).rows[0]!.cost).toBe(0);
  });

  it('rejects modifiers that are not positive numbers', () => {
    expect(problemsOf([{ shein_modifier: '0', shopify_modifier: 'x2' }])).toEqual([
      { row: 2, field: 'shein_modifier', code: 'modifier_not_positive' },
      { row: 2, field: 'shopify_modifier', code: 'modifier_invalid' },
    ]);
  });

  it('rejects bad stock', () => {
    expect(problemsOf([
      { sku: 'S1', inv_egdc: '-1' },
      { sku: 'S2', inv_fami: '2.5' },
      { sku: 'S3', inv_egdc: '' },
      { sku: 'S4', inv_fami: 'tres' },
      { sku: 'S5', inv_egdc: '2147483647', inv_fami: '1' },
    ])).toEqual([
      { row: 2, field: 'inv_egdc', code: 'stock_negative' },
      { row: 3, field: 'inv_fami', code: 'stock_not_integer' },
      { row: 4, field: 'inv_egdc', code: 'stock_missing' },
      { row: 5, field: 'inv_fami', code: 'stock_invalid' },
      { row: 6, field: 'row', code: 'stock_too_large' },
    ]);
  });

  it('rejects bad SKUs', () => {
    expect(problemsOf([{ sku: '' }, { sku: 'GABR 200' }, { sku: 'X'.repeat(129) }])).toEqual([
      { row: 2, field: 'sku', code: 'sku_missing' },
      { row: 3, field: 'sku', code: 'sku_whitespace' },
      { row: 4, field: 'sku', code: 'sku_too_long' },
    ]);
  });

  it('rejects bad EANs', () => {
    const { problems } = readCatalog(buildCsv(distinctSizes([
      { sku: 'E1', ean: '7506597529565' },
      { sku: 'E2', ean: '12345' },
      { sku: 'E3', ean: '7.50659752956E+12' },
    ])));
    expect(problems.map(({ row, code, params }) => ({ row, code, params }))).toEqual([
      { row: 2, code: 'ean_check_digit', params: { ean: '7506597529565', expected: 4 } },
      { row: 3, code: 'ean_format', params: { value: '12345' } },
      { row: 4, code: 'ean_scientific_notation', params: { value: '7.50659752956E+12' } },
    ]);
  });

  it('rejects empty text cells', () => {
    expect(problemsOf([{ categoria: '', marca: '', modelo: '', color: '', talla: '' }])).toEqual([
      { row: 2, field: 'categoria', code: 'category_missing' },
      { row: 2, field: 'marca', code: 'brand_missing' },
      { row: 2, field: 'modelo', code: 'model_missing' },
      { row: 2, field: 'color', code: 'color_missing' },
      { row: 2, field: 'talla', code: 'size_missing' },
    ]);
  });

  it('rejects a size longer than the column', () => {
    expect(problemsOf([{ talla: '1234567890ABCDEFG' }])).toEqual([{ row: 2, field: 'talla', code: 'text_too_long' }]);
  });

  it('keeps the SKU of a rejected row', () => {
    const [problem] = readCatalog(buildCsv([{ inv_egdc: '-2' }])).problems;
    expect(problem!.sku).toBe(BASE_ROW.sku);
    expect(problem!.reason).toBe('inv_egdc has negative stock (-2)');
  });
});

describe('readCatalog duplicates', () => {
  it('rejects every row of a repeated SKU', () => {
    const catalog = readCatalog(buildCsv([
      { sku: 'DUP', talla: '22' },
      { sku: 'OK', talla: '23' },
      { sku: 'DUP', talla: '24' },
      { sku: 'DUP', talla: '25' },
    ]));
    expect(catalog.rows.map((row) => row.sku)).toEqual(['OK']);
    expect(catalog.problems.map(({ row, code, params }) => ({ row, code, params }))).toEqual([
      { row: 2, code: 'sku_duplicate', params: { sku: 'DUP', otherRows: [4, 5] } },
      { row: 4, code: 'sku_duplicate', params: { sku: 'DUP', otherRows: [2, 5] } },
      { row: 5, code: 'sku_duplicate', params: { sku: 'DUP', otherRows: [2, 4] } },
    ]);
  });

  it('rejects a repeated size under another SKU', () => {
    const catalog = readCatalog(buildCsv([{ sku: 'A', talla: '23' }, { sku: 'B', talla: '23' }, { sku: 'C', talla: '24' }]));
    expect(catalog.rows.map((row) => row.sku)).toEqual(['C']);
    expect(catalog.problems.map(({ row, field, code, params }) => ({ row, field, code, params }))).toEqual([
      { row: 2, field: 'talla', code: 'size_duplicate', params: { brand: 'GABRIELAS', model: '200', color: 'PLATA', size: '23', otherRows: [3] } },
      { row: 3, field: 'talla', code: 'size_duplicate', params: { brand: 'GABRIELAS', model: '200', color: 'PLATA', size: '23', otherRows: [2] } },
    ]);
  });

  it('allows one size in different colors', () => {
    const catalog = readCatalog(buildCsv([{ sku: 'A', color: 'PLATA' }, { sku: 'B', color: 'ORO' }]));
    expect(catalog.problems).toEqual([]);
  });
});

describe('readCatalog file errors', () => {
  it('names missing columns', () => {
    const columns = CATALOG_COLUMNS.filter((column) => column !== 'ean' && column !== 'meli');
    const problem = fileProblemOf(buildCsv([{}], { columns }));
    expect(problem).toEqual({ code: 'columns_missing', params: { missing: ['ean', 'meli'], expected: [...CATALOG_COLUMNS] } });
  });

  it('lists the expected header in the message', () => {
    const columns = CATALOG_COLUMNS.filter((column) => column !== 'sku');
    expect(() => readCatalog(buildCsv([{}], { columns }))).toThrow(`The expected header is: ${CATALOG_COLUMNS.join(',')}`);
  });

  it('rejects a repeated column', () => {
    const problem = fileProblemOf(buildCsv([{}], { columns: [...CATALOG_COLUMNS, 'sku'] }));
    expect(problem).toEqual({ code: 'columns_duplicate', params: { columns: ['sku'] } });
  });

  it('rejects a semicolon-separated file', () => {
    const text = buildCsv([{}]).replaceAll(',', ';');
    expect(fileProblemOf(text)).toEqual({ code: 'delimiter_unsupported', params: { delimiter: ';' } });
  });

  it('rejects a file that is not UTF-8', () => {
    const text = buildCsv([{}, { sku: 'N1', talla: '24', categoria: 'Niño' }]);
    const latin1 = Buffer.from(text, 'latin1');
    expect(fileProblemOf(latin1)).toEqual({ code: 'file_encoding', params: { line: 3 } });
  });

  it('rejects an empty file', () => {
    expect(fileProblemOf('')).toEqual({ code: 'file_empty', params: {} });
    expect(fileProblemOf('\uFEFF\r\n')).toEqual({ code: 'file_empty', params: {} });
  });

  it('rejects an unclosed quote', () => {
    const text = `${buildCsv([{}])}Tacones,"GABRIELAS,200\n`;
    const problem = fileProblemOf(text);
    expect(problem.code).toBe('csv_syntax');
  });
});
