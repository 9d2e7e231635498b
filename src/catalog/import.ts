import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { TENANT_FILTER } from '../database/orm.js';
import { Product } from '../entities/product.js';
import { parseCatalogCsv } from './csv.js';
import type { RowProblem } from './problems.js';
import { validateCatalog, type CatalogRow, type ValidatedCatalog } from './validate.js';

export interface CatalogImportReport {
  /** Data rows in the file, not counting the header and skipped empty rows. */
  totalRows: number;
  /** Valid rows: created + updated + unchanged. */
  imported: number;
  created: number;
  updated: number;
  unchanged: number;
  problems: RowProblem[];
}

export interface StoreCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export interface ImportCatalogOptions {
  logger?: Logger;
}

/** The columns an import writes, besides the keys and timestamps. */
const PRODUCT_FIELDS = [
  'ean', 'category', 'brand', 'model', 'color', 'size', 'cost', 'priceModifiers', 'stockByWarehouse', 'stock', 'channels',
] as const satisfies ReadonlyArray<keyof Product>;

type ProductFields = Pick<Product, 'sku' | (typeof PRODUCT_FIELDS)[number]>;
type StoredProduct = ProductFields & Pick<Product, 'id'>;

/** SKUs per lookup query and rows per insert statement. 500 rows use 8,500 of PostgreSQL's 65,535 bind parameters. */
const BATCH_SIZE = 500;

/** Parses and validates an export without touching the database. Throws `CatalogFileError`. */
export function readCatalog(input: string | Buffer): ValidatedCatalog {
  return validateCatalog(parseCatalogCsv(input));
}

/**
 * Imports an EGDC export for one tenant. Every row is validated before any is written, and the
 * valid rows are written in one transaction, so a failure stores none of them. Rows with problems are skipped and
 * listed in the report, and stored products whose SKU is not in the file are left as they are.
 * Throws `CatalogFileError` before writing anything when the file itself cannot be read.
 */
export async function importCatalog(
  em: EntityManager,
  tenantId: string,
  input: string | Buffer,
  options: ImportCatalogOptions = {},
): Promise<CatalogImportReport> {
  const catalog = readCatalog(input);
  const counts = await storeCatalogRows(em, tenantId, catalog.rows);
  const report: CatalogImportReport = {
    totalRows: catalog.totalRows,
    imported: catalog.rows.length,
    ...counts,
    problems: catalog.problems,
  };
  options.logger?.info(
    { tenantId, totalRows: report.totalRows, created: report.created, updated: report.updated, unchanged: report.unchanged, problems: report.problems.length },
    'catalog imported',
  );
  return report;
}

/**
 * Upserts validated rows on (tenantId, sku) in one transaction. Rows equal to what is stored are
 * not written, so their `updatedAt` stays as it was. `em` must be scoped to `tenantId`.
 */
export async function storeCatalogRows(em: EntityManager, tenantId: string, rows: readonly CatalogRow[]): Promise<StoreCounts> {
  // The params are undefined at run time when the filter was never given a tenant.
  const scope: { tenantId?: string } | undefined = em.getFilterParams<{ tenantId?: string }>(TENANT_FILTER);
  if (scope?.tenantId !== tenantId) {
    throw new Error(
      `Cannot import the catalog of tenant "${tenantId}" with an entity manager scoped to tenant "${scope?.tenantId ?? '(none)'}". Pass tenantEntityManager(orm, "${tenantId}").`,
    );
  }
  if (rows.length === 0) return { created: 0, updated: 0, unchanged: 0 };

  return em.transactional(async (tx) => {
    const stored = await loadProducts(tx, tenantId, rows.map((row) => row.sku));
    const counts: StoreCounts = { created: 0, updated: 0, unchanged: 0 };
    const now = new Date();
    const writes = [];

    for (const row of rows) {
      const fields = productFields(row);
      const current = stored.get(row.sku);
      if (current && sameFields(current, fields)) {
        counts.unchanged += 1;
        continue;
      }
      if (current) counts.updated += 1;
      else counts.created += 1;
      writes.push({ id: current?.id ?? randomUUID(), tenantId, ...fields, createdAt: now, updatedAt: now });
    }

    // A product inserted by someone else since `loadProducts` is updated rather than duplicated.
    for (let start = 0; start < writes.length; start += BATCH_SIZE) {
      await tx
        .createQueryBuilder(Product)
        .insert(writes.slice(start, start + BATCH_SIZE))
        .onConflict(['tenantId', 'sku'])
        .merge([...PRODUCT_FIELDS, 'updatedAt'])
        .execute();
    }
    return counts;
  });
}

/** Reads the stored copies of `skus` as plain rows, because only the compared fields are needed and hydrating entities is slower. */
async function loadProducts(em: EntityManager, tenantId: string, skus: readonly string[]): Promise<Map<string, StoredProduct>> {
  const found = new Map<string, StoredProduct>();
  for (let start = 0; start < skus.length; start += BATCH_SIZE) {
    const chunk = skus.slice(start, start + BATCH_SIZE);
    const products = await em
      .createQueryBuilder(Product)
      .select(['id', 'sku', ...PRODUCT_FIELDS])
      .where({ tenantId, sku: { $in: chunk } })
      .execute<StoredProduct[]>('all');
    for (const product of products) found.set(product.sku, product);
  }
  return found;
}

function productFields(row: CatalogRow): ProductFields {
  return {
    sku: row.sku,
    ean: row.ean,
    category: row.category,
    brand: row.brand,
    model: row.model,
    color: row.color,
    size: row.size,
    cost: row.cost,
    priceModifiers: { ...row.priceModifiers },
    stockByWarehouse: { ...row.stockByWarehouse },
    stock: row.stock,
    channels: [...row.channels],
  };
}

function sameFields(stored: ProductFields, next: ProductFields): boolean {
  return (
    stored.ean === next.ean &&
    stored.category === next.category &&
    stored.brand === next.brand &&
    stored.model === next.model &&
    stored.color === next.color &&
    stored.size === next.size &&
    stored.cost === next.cost &&
    stored.stock === next.stock &&
    sameRecord(stored.priceModifiers, next.priceModifiers) &&
    sameRecord(stored.stockByWarehouse, next.stockByWarehouse) &&
    sameSet(stored.channels, next.channels)
  );
}

function sameRecord(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  return left.size === new Set(b).size && b.every((item) => left.has(item));
}
