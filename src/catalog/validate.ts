import {
  CATALOG_COLUMNS, CHANNEL_COLUMNS, MODIFIER_COLUMNS, TEXT_LIMITS, WAREHOUSE_COLUMNS, resolveHeader,
  type CatalogChannel, type CatalogColumn, type ColumnIndex, type PricedMarketplace, type Warehouse,
} from './columns.js';
import type { ParsedCsv, RawRow } from './csv.js';
import { findDuplicateRows } from './duplicates.js';
import { GTIN_LENGTHS, gtinCheckDigit } from './gtin.js';
import { describeReason } from './messages.js';
import { CatalogFileError, type RowProblem, type RowProblemDetail } from './problems.js';

export { isValidGtin } from './gtin.js';

/** One valid row of the export, named as the `Product` entity names its fields. */
export interface CatalogRow {
  /** 1-based line of the row in the file. */
  row: number;
  sku: string;
  ean: string | null;
  category: string;
  brand: string;
  model: string;
  color: string;
  size: string;
  /** Unit cost in MXN. */
  cost: number;
  /** Only marketplaces whose modifier cell is filled in. */
  priceModifiers: Partial<Record<PricedMarketplace, number>>;
  stockByWarehouse: Record<Warehouse, number>;
  stock: number;
  channels: CatalogChannel[];
}

export interface ValidatedCatalog {
  /** Data rows in the file, not counting the header and skipped empty rows. */
  totalRows: number;
  rows: CatalogRow[];
  problems: RowProblem[];
}

/** Largest value of a PostgreSQL `int` column, where `stock` is stored. */
const MAX_STOCK = 2_147_483_647;
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const COMMA_NUMBER = /^[+-]?[\d.,]*,[\d.,]*$/;
const TRUE_FLAGS = new Set(['TRUE', 'VERDADERO', '1']);
const FALSE_FLAGS = new Set(['FALSE', 'FALSO', '0', '']);

type NumberCell =
  | { kind: 'empty' }
  | { kind: 'number'; value: number }
  | { kind: 'decimal_comma' }
  | { kind: 'invalid' };

/**
 * Checks the header, then every row, then SKUs and sizes across rows. Throws `CatalogFileError`
 * when a column is missing or repeated. A row is valid only when it has no problem at all.
 */
export function validateCatalog(parsed: ParsedCsv): ValidatedCatalog {
  const index = checkHeader(parsed.header);
  const problems: RowProblem[] = [];
  const candidates: CatalogRow[] = [];

  for (const raw of parsed.rows) {
    const result = validateRow(raw, index, parsed.header.length);
    if (result.problems.length > 0) problems.push(...result.problems);
    else if (result.row) candidates.push(result.row);
  }

  const comparable = parsed.rows.filter((raw) => !hasWrongCellCount(raw, parsed.header.length));
  const duplicates = findDuplicateRows(comparable.map((raw) => identify(raw, index)));
  for (const duplicate of duplicates) {
    problems.push(makeProblem(duplicate.row, duplicate.sku, duplicate.field, duplicate.detail));
  }

  const rejected = new Set(problems.map((problem) => problem.row));
  problems.sort((a, b) => a.row - b.row || fieldOrder(a.field) - fieldOrder(b.field));
  return { totalRows: parsed.rows.length, rows: candidates.filter((row) => !rejected.has(row.row)), problems };
}

function checkHeader(header: readonly string[]): ColumnIndex {
  const resolved = resolveHeader(header);
  if (resolved.ok) return resolved.index;

  // A spreadsheet saved with `;` or tabs gives a single header cell that contains every name.
  const delimiter = [';', '\t'].find((candidate) => header.length === 1 && header[0]!.includes(candidate));
  if (delimiter) throw new CatalogFileError({ code: 'delimiter_unsupported', params: { delimiter } });
  if (resolved.missing.length > 0) {
    throw new CatalogFileError({ code: 'columns_missing', params: { missing: resolved.missing, expected: [...CATALOG_COLUMNS] } });
  }
  throw new CatalogFileError({ code: 'columns_duplicate', params: { columns: resolved.duplicate } });
}

function validateRow(raw: RawRow, index: ColumnIndex, width: number): { row: CatalogRow | null; problems: RowProblem[] } {
  const cell = (column: CatalogColumn): string => raw.cells[index[column]] ?? '';
  const sku = cell('sku') === '' ? null : cell('sku');
  const problems: RowProblem[] = [];
  const report = (field: string, detail: RowProblemDetail): void => {
    problems.push(makeProblem(raw.line, sku, field, detail));
  };

  if (hasWrongCellCount(raw, width)) {
    report('row', { code: 'column_count', params: { expected: width, actual: raw.cells.length } });
    return { row: null, problems };
  }

  checkText(cell, 'categoria', 'category_missing', report);
  checkText(cell, 'marca', 'brand_missing', report);
  checkText(cell, 'modelo', 'model_missing', report);
  checkText(cell, 'color', 'color_missing', report);
  checkText(cell, 'talla', 'size_missing', report);
  if (COMMA_NUMBER.test(cell('talla'))) report('talla', { code: 'decimal_comma', params: { value: cell('talla') } });
  checkSku(cell('sku'), report);
  const ean = checkEan(cell('ean'), report);
  const cost = checkCost(cell('costo'), report);

  const priceModifiers: Partial<Record<PricedMarketplace, number>> = {};
  for (const [column, marketplace] of Object.entries(MODIFIER_COLUMNS) as Array<[CatalogColumn, PricedMarketplace]>) {
    const modifier = checkModifier(cell(column), (detail) => report(column, detail));
    if (modifier !== null) priceModifiers[marketplace] = modifier;
  }

  const stockByWarehouse = {} as Record<Warehouse, number>;
  for (const [column, warehouse] of Object.entries(WAREHOUSE_COLUMNS) as Array<[CatalogColumn, Warehouse]>) {
    stockByWarehouse[warehouse] = checkStock(cell(column), (detail) => report(column, detail)) ?? 0;
  }
  const stock = Object.values(stockByWarehouse).reduce((total, units) => total + units, 0);
  if (stock > MAX_STOCK) report('row', { code: 'stock_too_large', params: { total: stock, max: MAX_STOCK } });

  const channels: CatalogChannel[] = [];
  for (const [column, channel] of Object.entries(CHANNEL_COLUMNS) as Array<[CatalogColumn, CatalogChannel]>) {
    const value = cell(column);
    const flag = value.toUpperCase();
    if (TRUE_FLAGS.has(flag)) channels.push(channel);
    else if (!FALSE_FLAGS.has(flag)) report(column, { code: 'flag_invalid', params: { value } });
  }

  if (problems.length > 0 || sku === null || cost === null) return { row: null, problems };
  return {
    row: {
      row: raw.line, sku, ean,
      category: cell('categoria'), brand: cell('marca'), model: cell('modelo'), color: cell('color'), size: cell('talla'),
      cost, priceModifiers, stockByWarehouse, stock, channels,
    },
    problems,
  };
}

type Report = (field: string, detail: RowProblemDetail) => void;
type MissingCode = 'category_missing' | 'brand_missing' | 'model_missing' | 'color_missing' | 'size_missing';

function checkText(cell: (column: CatalogColumn) => string, column: keyof typeof TEXT_LIMITS, missing: MissingCode, report: Report): void {
  const value = cell(column);
  const max = TEXT_LIMITS[column];
  if (value === '') report(column, { code: missing, params: {} });
  else if (value.length > max) report(column, { code: 'text_too_long', params: { length: value.length, max } });
}

function checkSku(value: string, report: Report): void {
  if (value === '') report('sku', { code: 'sku_missing', params: {} });
  else if (value.length > TEXT_LIMITS.sku) report('sku', { code: 'sku_too_long', params: { length: value.length, max: TEXT_LIMITS.sku } });
  else if (/\s/.test(value)) report('sku', { code: 'sku_whitespace', params: { sku: value } });
}

/** Empty means the product has no barcode. */
function checkEan(value: string, report: Report): string | null {
  if (value === '') return null;
  if (/^\d+(\.\d+)?E\+\d+$/i.test(value)) {
    report('ean', { code: 'ean_scientific_notation', params: { value } });
    return null;
  }
  if (!/^\d+$/.test(value) || !GTIN_LENGTHS.includes(value.length)) {
    report('ean', { code: 'ean_format', params: { value } });
    return null;
  }
  const expected = gtinCheckDigit(value.slice(0, -1));
  if (expected !== Number(value.at(-1))) report('ean', { code: 'ean_check_digit', params: { ean: value, expected } });
  return value;
}

function checkCost(value: string, report: Report): number | null {
  const parsed = readNumber(value);
  if (parsed.kind === 'empty') report('costo', { code: 'cost_missing', params: {} });
  else if (parsed.kind === 'decimal_comma') report('costo', { code: 'decimal_comma', params: { value } });
  else if (parsed.kind === 'invalid') report('costo', { code: 'cost_invalid', params: { value } });
  else if (parsed.value < 0) report('costo', { code: 'cost_negative', params: { value } });
  else return parsed.value;
  return null;
}

/** Empty means no modifier is set for that marketplace. */
function checkModifier(value: string, report: (detail: RowProblemDetail) => void): number | null {
  const parsed = readNumber(value);
  if (parsed.kind === 'empty') return null;
  if (parsed.kind === 'decimal_comma') report({ code: 'decimal_comma', params: { value } });
  else if (parsed.kind === 'invalid') report({ code: 'modifier_invalid', params: { value } });
  else if (parsed.value <= 0) report({ code: 'modifier_not_positive', params: { value } });
  else return parsed.value;
  return null;
}

function checkStock(value: string, report: (detail: RowProblemDetail) => void): number | null {
  const parsed = readNumber(value);
  if (parsed.kind === 'empty') report({ code: 'stock_missing', params: {} });
  else if (parsed.kind === 'decimal_comma') report({ code: 'decimal_comma', params: { value } });
  else if (parsed.kind === 'invalid') report({ code: 'stock_invalid', params: { value } });
  else if (parsed.value < 0) report({ code: 'stock_negative', params: { value } });
  else if (!Number.isInteger(parsed.value)) report({ code: 'stock_not_integer', params: { value } });
  else return parsed.value;
  return null;
}

/** Reads a number written with `.` for decimals and no thousands separator, as EGDC exports it. */
function readNumber(value: string): NumberCell {
  if (value === '') return { kind: 'empty' };
  if (DECIMAL.test(value)) return { kind: 'number', value: Number(value) };
  if (COMMA_NUMBER.test(value)) return { kind: 'decimal_comma' };
  return { kind: 'invalid' };
}

/** Extra trailing cells are accepted when they are empty, as spreadsheets sometimes add them. */
function hasWrongCellCount(raw: RawRow, width: number): boolean {
  if (raw.cells.length < width) return true;
  return raw.cells.slice(width).some((cell) => cell !== '');
}

function identify(raw: RawRow, index: ColumnIndex) {
  const cell = (column: CatalogColumn): string => raw.cells[index[column]] ?? '';
  return { row: raw.line, sku: cell('sku'), brand: cell('marca'), model: cell('modelo'), color: cell('color'), size: cell('talla') };
}

function makeProblem(row: number, sku: string | null, field: string, detail: RowProblemDetail): RowProblem {
  return { ...detail, row, sku, field, reason: describeReason({ ...detail, field }, 'en') };
}

function fieldOrder(field: string): number {
  return field === 'row' ? -1 : CATALOG_COLUMNS.indexOf(field as CatalogColumn);
}
