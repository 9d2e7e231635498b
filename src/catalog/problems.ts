import { describeFileProblem } from './messages.js';

type NoParams = Record<string, never>;

/**
 * Reason one row of the export was rejected. `code` is stable, so callers can match on it, and
 * `params` contains the values that `describeProblem` renders into a message.
 */
export type RowProblemDetail =
  | { code: 'column_count'; params: { expected: number; actual: number } }
  | { code: 'sku_missing'; params: NoParams }
  | { code: 'sku_too_long'; params: { length: number; max: number } }
  | { code: 'sku_whitespace'; params: { sku: string } }
  | { code: 'sku_duplicate'; params: { sku: string; otherRows: number[] } }
  | { code: 'ean_format'; params: { value: string } }
  | { code: 'ean_scientific_notation'; params: { value: string } }
  | { code: 'ean_check_digit'; params: { ean: string; expected: number } }
  | { code: 'category_missing'; params: NoParams }
  | { code: 'brand_missing'; params: NoParams }
  | { code: 'model_missing'; params: NoParams }
  | { code: 'color_missing'; params: NoParams }
  | { code: 'size_missing'; params: NoParams }
  | { code: 'size_duplicate'; params: { brand: string; model: string; color: string; size: string; otherRows: number[] } }
  | { code: 'text_too_long'; params: { length: number; max: number } }
  | { code: 'decimal_comma'; params: { value: string } }
  | { code: 'cost_missing'; params: NoParams }
  | { code: 'cost_invalid'; params: { value: string } }
  | { code: 'cost_negative'; params: { value: string } }
  | { code: 'modifier_invalid'; params: { value: string } }
  | { code: 'modifier_not_positive'; params: { value: string } }
  | { code: 'stock_missing'; params: NoParams }
  | { code: 'stock_invalid'; params: { value: string } }
  | { code: 'stock_not_integer'; params: { value: string } }
  | { code: 'stock_negative'; params: { value: string } }
  | { code: 'stock_too_large'; params: { total: number; max: number } }
  | { code: 'flag_invalid'; params: { value: string } };

export type RowProblemCode = RowProblemDetail['code'];

/** One rejected cell or row. `row` is the 1-based line in the file (the header is line 1). */
export type RowProblem = RowProblemDetail & {
  row: number;
  /** The row's SKU as written, or null when the cell is empty. */
  sku: string | null;
  /** Column the problem is in, as named in the header, or `row` for the whole row. */
  field: string;
  /** English text of the problem, without the row number. */
  reason: string;
};

/** Reason a whole file was rejected before any row was stored. */
export type CatalogFileProblem =
  | { code: 'file_not_found'; params: { path: string } }
  | { code: 'file_unreadable'; params: { path: string; detail: string } }
  | { code: 'file_empty'; params: NoParams }
  | { code: 'file_encoding'; params: { line: number } }
  | { code: 'csv_syntax'; params: { line: number; detail: string } }
  | { code: 'delimiter_unsupported'; params: { delimiter: string } }
  | { code: 'columns_missing'; params: { missing: string[]; expected: string[] } }
  | { code: 'columns_duplicate'; params: { columns: string[] } };

export type CatalogFileProblemCode = CatalogFileProblem['code'];

/** Thrown when a file cannot be imported at all; nothing has been written when it is thrown. */
export class CatalogFileError extends Error {
  override name = 'CatalogFileError';

  constructor(readonly problem: CatalogFileProblem) {
    super(describeFileProblem(problem, 'en'));
  }

  get code(): CatalogFileProblemCode {
    return this.problem.code;
  }
}
