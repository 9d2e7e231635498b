import { describe, expect, it } from 'vitest';
import { CATALOG_COLUMNS } from '../../src/catalog/columns.js';
import { describeFileProblem, describeProblem, describeSummary } from '../../src/catalog/messages.js';
import type { RowProblem, RowProblemCode, RowProblemDetail } from '../../src/catalog/problems.js';
import { readCatalog } from '../../src/catalog/import.js';
import { buildCsv } from './support.js';

type Params<C extends RowProblemCode> = Extract<RowProblemDetail, { code: C }>['params'];

/** One sample per code; adding a code without a sample fails to compile. */
const SAMPLES: { [C in RowProblemCode]: Params<C> } = {
  column_count: { expected: 19, actual: 20 },
  sku_missing: {},
  sku_too_long: { length: 130, max: 128 },
  sku_whitespace: { sku: 'GABR 200' },
  sku_duplicate: { sku: 'GABR200_PLATA23', otherRows: [9] },
  ean_format: { value: '12345' },
  ean_scientific_notation: { value: '7.50659752956E+12' },
  ean_check_digit: { ean: '7506597529565', expected: 4 },
  category_missing: {},
  brand_missing: {},
  model_missing: {},
  color_missing: {},
  size_missing: {},
  size_duplicate: { brand: 'GABRIELAS', model: '200', color: 'PLATA', size: '23', otherRows: [3, 9] },
  text_too_long: { length: 17, max: 16 },
  decimal_comma: { value: '190,50' },
  cost_missing: {},
  cost_invalid: { value: 'abc' },
  cost_negative: { value: '-1' },
  modifier_invalid: { value: 'x2' },
  modifier_not_positive: { value: '0' },
  stock_missing: {},
  stock_invalid: { value: 'tres' },
  stock_not_integer: { value: '2.5' },
  stock_negative: { value: '-1' },
  stock_too_large: { total: 2147483648, max: 2147483647 },
  flag_invalid: { value: 'SI' },
};

function sample(code: RowProblemCode): RowProblem {
  const detail = { code, params: SAMPLES[code] } as RowProblemDetail;
  return { ...detail, row: 7, sku: 'GABR200_PLATA23', field: 'costo', reason: '' };
}

describe('describeProblem', () => {
  it('renders a check digit error in Spanish', () => {
    expect(describeProblem(sample('ean_check_digit'), 'es-MX')).toBe(
      'Fila 7: el EAN 7506597529565 tiene un dígito verificador inválido (se esperaba 4).',
    );
  });

  it('renders a check digit error in English', () => {
    expect(describeProblem(sample('ean_check_digit'), 'en')).toBe('Row 7: EAN 7506597529565 has an invalid check digit (expected 4).');
  });

  it('renders every code in both languages', () => {
    for (const code of Object.keys(SAMPLES) as RowProblemCode[]) {
      const spanish = describeProblem(sample(code), 'es-MX');
      const english = describeProblem(sample(code), 'en');
      expect(spanish, code).toMatch(/^Fila 7: \S.+\.$/);
      expect(english, code).toMatch(/^Row 7: \S.+\.$/);
      expect(spanish, code).not.toBe(english.replace('Row', 'Fila'));
      expect(`${spanish} ${english}`, code).not.toMatch(/undefined|\[object|NaN/);
    }
  });

  it('lists other rows in each language', () => {
    const problem = sample('size_duplicate');
    expect(describeProblem(problem, 'en')).toContain('rows 3 and 9');
    expect(describeProblem(problem, 'es-MX')).toContain('las filas 3 y 9');
    expect(describeProblem(sample('sku_duplicate'), 'es-MX')).toContain('la fila 9');
  });

  it('matches the reason stored by validation', () => {
    const [problem] = readCatalog(buildCsv([{ ean: '7506597529565' }])).problems;
    expect(describeProblem(problem!, 'en')).toBe(`Row 2: ${problem!.reason}.`);
  });

  it('names the column of a cell problem', () => {
    const problem = { ...sample('stock_negative'), field: 'inv_fami' };
    expect(describeProblem(problem, 'en')).toBe('Row 7: inv_fami has negative stock (-1).');
    expect(describeProblem(problem, 'es-MX')).toBe('Fila 7: inv_fami tiene existencias negativas (-1).');
  });
});

describe('describeFileProblem', () => {
  it('names missing columns in English', () => {
    expect(describeFileProblem({ code: 'columns_missing', params: { missing: ['ean', 'meli'], expected: [...CATALOG_COLUMNS] } }, 'en')).toBe(
      `The header has no columns "ean" and "meli". The expected header is: ${CATALOG_COLUMNS.join(',')}.`,
    );
  });

  it('names missing columns in Spanish', () => {
    expect(describeFileProblem({ code: 'columns_missing', params: { missing: ['ean'], expected: [...CATALOG_COLUMNS] } }, 'es-MX')).toBe(
      `Al encabezado le falta la columna "ean". El encabezado esperado es: ${CATALOG_COLUMNS.join(',')}.`,
    );
  });

  it('tells how to fix the encoding', () => {
    expect(describeFileProblem({ code: 'file_encoding', params: { line: 3 } }, 'es-MX')).toContain('CSV UTF-8 (delimitado por comas)');
    expect(describeFileProblem({ code: 'file_encoding', params: { line: 3 } }, 'en')).toContain('line 3');
  });
});

describe('describeSummary', () => {
  const report = { totalRows: 5, imported: 2, created: 1, updated: 1, unchanged: 0, problems: [sample('sku_missing'), sample('cost_missing')] };

  it('counts rows with problems once', () => {
    expect(describeSummary(report, 'en')).toBe('Rows read: 5. Imported: 2 (created 1, updated 1, unchanged 0). Rows with problems: 1.');
  });

  it('renders in Spanish', () => {
    expect(describeSummary(report, 'es-MX')).toBe('Filas leídas: 5. Importadas: 2 (nuevas 1, actualizadas 1, sin cambios 0). Filas con problemas: 1.');
  });
});
