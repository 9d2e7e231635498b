import { fileURLToPath } from 'node:url';
import { CATALOG_COLUMNS, type CatalogColumn } from '../../src/catalog/columns.js';

/** Copy of a real EGDC export: 2,400 products, all valid. */
export const REAL_CATALOG_PATH = fileURLToPath(new URL('../../data/egdc-catalog.csv', import.meta.url));

/** The first row of the real export (line 2). */
export const BASE_ROW: Readonly<Record<CatalogColumn, string>> = {
  categoria: 'Tacones', marca: 'GABRIELAS', modelo: '200', color: 'PLATA', talla: '23', sku: 'GABR200_PLATA23',
  ean: '7506597529564', costo: '190', shein_modifier: '1.5', shopify_modifier: '2', meli_modifier: '2.2',
  inv_egdc: '3', inv_fami: '5', shein: 'TRUE', meli: 'TRUE', shopify: 'TRUE', tiktok: 'TRUE', upseller: 'TRUE', go_trendier: 'FALSE',
};

export type RowOverrides = Partial<Record<CatalogColumn, string>>;

/** Builds a CSV text from rows that override `BASE_ROW`, quoting cells as RFC 4180 requires. */
export function buildCsv(
  rows: readonly RowOverrides[],
  options: { columns?: readonly string[]; lineEnd?: string } = {},
): string {
  const columns = options.columns ?? CATALOG_COLUMNS;
  const lineEnd = options.lineEnd ?? '\n';
  const lines = [columns.join(',')];
  for (const overrides of rows) {
    const row: Record<string, string> = { ...BASE_ROW, ...overrides };
    lines.push(columns.map((column) => quote(row[column] ?? '')).join(','));
  }
  return lines.join(lineEnd) + lineEnd;
}

function quote(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}
