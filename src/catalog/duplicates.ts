import type { RowProblemDetail } from './problems.js';

/** The cells of a row that must be unique across the file. */
export interface RowIdentity {
  row: number;
  sku: string;
  brand: string;
  model: string;
  color: string;
  size: string;
}

export interface DuplicateRow {
  row: number;
  sku: string | null;
  field: 'sku' | 'talla';
  detail: RowProblemDetail;
}

/**
 * Finds rows that repeat a SKU, or repeat a size of one model (marca, modelo, color) under another
 * SKU. Every occurrence is returned, naming the other rows, because keeping only the first would
 * silently drop data that the merchant may have meant.
 */
export function findDuplicateRows(rows: readonly RowIdentity[]): DuplicateRow[] {
  const duplicates: DuplicateRow[] = [];

  for (const group of groupBy(rows.filter((row) => row.sku !== ''), (row) => row.sku)) {
    for (const row of group) {
      const otherRows = group.filter((other) => other !== row).map((other) => other.row);
      duplicates.push({ row: row.row, sku: row.sku, field: 'sku', detail: { code: 'sku_duplicate', params: { sku: row.sku, otherRows } } });
    }
  }

  const sized = rows.filter((row) => row.size !== '' && row.brand !== '' && row.model !== '' && row.color !== '');
  for (const group of groupBy(sized, (row) => JSON.stringify([row.brand, row.model, row.color, row.size]))) {
    // Rows that only repeat one SKU are already reported as SKU duplicates.
    if (new Set(group.map((row) => row.sku)).size === 1) continue;
    for (const row of group) {
      const otherRows = group.filter((other) => other.sku !== row.sku).map((other) => other.row);
      const { brand, model, color, size } = row;
      duplicates.push({
        row: row.row,
        sku: row.sku === '' ? null : row.sku,
        field: 'talla',
        detail: { code: 'size_duplicate', params: { brand, model, color, size, otherRows } },
      });
    }
  }
  return duplicates;
}

/** Returns the groups of two or more rows that share a key, in file order. */
function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return [...groups.values()].filter((group) => group.length > 1);
}
