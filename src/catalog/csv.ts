import { CsvError, parse } from 'csv-parse/sync';
import { z } from 'zod';
import { CatalogFileError } from './problems.js';

/** One record of the file with the line it starts on (1-based; the header is line 1). */
export interface RawRow {
  line: number;
  cells: string[];
}

export interface ParsedCsv {
  header: string[];
  rows: RawRow[];
}

/** Shape of csv-parse's output with `info: true` and no `columns` option. */
const parsedRecords = z.array(z.object({ record: z.array(z.string()), info: z.object({ lines: z.number() }) }));

const BYTE_ORDER_MARK = '\uFEFF';
const LINE_BREAK = /\r\n|\r|\n/g;

/**
 * Decodes the export as UTF-8 and drops a leading byte order mark. A Buffer that is not valid
 * UTF-8 (Excel's "CSV (delimitado por comas)" writes Windows-1252) is rejected, because decoding
 * it anyway would store "NIÑO" as "NI�O".
 */
export function decodeCatalogText(input: string | Buffer): string {
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      const lossy = new TextDecoder('utf-8').decode(input);
      const before = lossy.slice(0, lossy.indexOf('\uFFFD'));
      throw new CatalogFileError({ code: 'file_encoding', params: { line: countLineBreaks(before) + 1 } });
    }
  }
  return text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text;
}

/**
 * Parses the export into its header and records. Cells are trimmed; blank lines and records whose
 * cells are all empty (trailing rows some spreadsheets write) are skipped. Records may have a
 * different cell count than the header: validation reports that per row.
 */
export function parseCatalogCsv(input: string | Buffer): ParsedCsv {
  const text = decodeCatalogText(input);
  let output: unknown;
  try {
    output = parse(text, { info: true, trim: true, skip_empty_lines: true, relax_column_count: true });
  } catch (error) {
    if (error instanceof CsvError) {
      const line = typeof error.lines === 'number' ? error.lines : 0;
      throw new CatalogFileError({ code: 'csv_syntax', params: { line, detail: error.message } });
    }
    throw error;
  }

  const [first, ...rest] = parsedRecords.parse(output);
  if (!first) throw new CatalogFileError({ code: 'file_empty', params: {} });

  const rows: RawRow[] = [];
  for (const { record, info } of rest) {
    if (record.every((cell) => cell === '')) continue;
    rows.push({ line: startLine(record, info.lines), cells: record });
  }
  return { header: first.record, rows };
}

/** csv-parse reports the line a record ends on; a quoted cell may span several lines. */
function startLine(cells: readonly string[], endLine: number): number {
  let breaks = 0;
  for (const cell of cells) breaks += countLineBreaks(cell);
  return endLine - breaks;
}

function countLineBreaks(text: string): number {
  return text.match(LINE_BREAK)?.length ?? 0;
}
