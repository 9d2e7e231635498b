import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupIntoModels } from '../../src/catalog/group.js';
import { importCatalog } from '../../src/catalog/import.js';
import { CatalogFileError } from '../../src/catalog/problems.js';
import { CATALOG_COLUMNS } from '../../src/catalog/columns.js';
import { crossTenantEntityManager, tenantEntityManager } from '../../src/database/orm.js';
import { Product } from '../../src/entities/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { REAL_CATALOG_PATH, buildCsv } from './support.js';

const realFile = readFileSync(REAL_CATALOG_PATH);

describe('importCatalog', () => {
  let database: TestDatabase;

  const em = (tenantId: string) => tenantEntityManager(database.orm, tenantId);
  const importFor = (tenantId: string, input: string | Buffer) => importCatalog(em(tenantId), tenantId, input);
  const findProduct = (tenantId: string, sku: string) => em(tenantId).findOne(Product, { sku });

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database.close();
  });

  describe('real export', () => {
    const tenantId = 'tenant-real';

    it('imports 2,400 products', async () => {
      const report = await importFor(tenantId, realFile);
      expect(report).toEqual({ totalRows: 2400, imported: 2400, created: 2400, updated: 0, unchanged: 0, problems: [] });
      expect(await em(tenantId).count(Product, {})).toBe(2400);
    });

    it('stores GABR200_PLATA23', async () => {
      const product = await findProduct(tenantId, 'GABR200_PLATA23');
      expect(product).toMatchObject({
        tenantId,
        ean: '7506597529564',
        category: 'Tacones',
        brand: 'GABRIELAS',
        model: '200',
        color: 'PLATA',
        size: '23',
        cost: 190,
        stock: 8,
        stockByWarehouse: { egdc: 3, fami: 5 },
      });
      expect(product!.channels).toContain('MERCADOLIBRE');
      expect(product!.channels).not.toContain('GO_TRENDIER');
      expect(product!.priceModifiers.MERCADOLIBRE).toBe(2.2);
    });

    it('stores a half size as written', async () => {
      expect((await findProduct(tenantId, 'ROSS476_BEIGE225'))?.size).toBe('22.5');
    });

    it('leaves everything unchanged on re-import', async () => {
      const before = await findProduct(tenantId, 'GABR200_PLATA23');
      const report = await importFor(tenantId, realFile);
      expect(report).toMatchObject({ imported: 2400, created: 0, updated: 0, unchanged: 2400 });
      const after = await findProduct(tenantId, 'GABR200_PLATA23');
      expect(after!.updatedAt.getTime()).toBe(before!.updatedAt.getTime());
    });

    it('groups stored products like the file', async () => {
      const products = await em(tenantId).find(Product, {}, { orderBy: { sku: 'asc' } });
      const models = groupIntoModels(products);
      expect(models).toHaveLength(312);
      expect(Math.max(...models.map((model) => model.variations.length))).toBe(10);
    });
  });

  describe('changes', () => {
    const tenantId = 'tenant-changes';

    it('updates only changed rows', async () => {
      await importFor(tenantId, buildCsv([{ sku: 'C1', talla: '23' }, { sku: 'C2', talla: '24' }]));
      const before = await findProduct(tenantId, 'C1');

      const report = await importFor(tenantId, buildCsv([{ sku: 'C1', talla: '23', inv_egdc: '10', meli: 'FALSE' }, { sku: 'C2', talla: '24' }]));
      expect(report).toMatchObject({ created: 0, updated: 1, unchanged: 1 });

      const after = await findProduct(tenantId, 'C1');
      expect(after).toMatchObject({ id: before!.id, stock: 15, stockByWarehouse: { egdc: 10, fami: 5 } });
      expect(after!.channels).not.toContain('MERCADOLIBRE');
      expect(after!.createdAt.getTime()).toBe(before!.createdAt.getTime());
      expect(after!.updatedAt.getTime()).toBeGreaterThan(before!.updatedAt.getTime());
    });

    it('removes a modifier left empty', async () => {
      await importFor(tenantId, buildCsv([{ sku: 'C1', talla: '23', inv_egdc: '10', meli: 'FALSE', shein_modifier: '' }]));
      expect((await findProduct(tenantId, 'C1'))!.priceModifiers).toEqual({ SHOPIFY: 2, MERCADOLIBRE: 2.2 });
    });

    it('keeps products missing from the file', async () => {
      const report = await importFor(tenantId, buildCsv([{ sku: 'C3', talla: '25' }]));
      expect(report).toMatchObject({ created: 1, updated: 0, unchanged: 0 });
      const skus = (await em(tenantId).find(Product, {}, { orderBy: { sku: 'asc' } })).map((product) => product.sku);
      expect(skus).toEqual(['C1', 'C2', 'C3']);
    });
  });

  describe('rows with problems', () => {
    const tenantId = 'tenant-problems';
    const csv = buildCsv([
      { sku: 'OK1', talla: '22' },
      { sku: 'BADEAN', talla: '23', ean: '7506597529565' },
      { sku: '', talla: '24' },
      { sku: 'DUP', talla: '25' },
      { sku: 'NEG', talla: '26', inv_fami: '-3' },
      { sku: 'DUP', talla: '27' },
      { sku: 'OK2', talla: '28' },
    ]);

    beforeAll(async () => {
      const tx = em(tenantId);
      tx.create(Product, {
        tenantId, sku: 'NEG', category: 'Tacones', brand: 'GABRIELAS', model: '200', color: 'PLATA', size: '26', cost: 150,
        priceModifiers: { MERCADOLIBRE: 2 }, stockByWarehouse: { egdc: 1, fami: 1 }, stock: 2, channels: ['MERCADOLIBRE'],
      });
      await tx.flush();
    });

    it('reports each bad row with its line', async () => {
      const report = await importFor(tenantId, csv);
      expect(report).toMatchObject({ totalRows: 7, imported: 2, created: 2, updated: 0, unchanged: 0 });
      expect(report.problems.map(({ row, sku, field, code }) => ({ row, sku, field, code }))).toEqual([
        { row: 3, sku: 'BADEAN', field: 'ean', code: 'ean_check_digit' },
        { row: 4, sku: null, field: 'sku', code: 'sku_missing' },
        { row: 5, sku: 'DUP', field: 'sku', code: 'sku_duplicate' },
        { row: 6, sku: 'NEG', field: 'inv_fami', code: 'stock_negative' },
        { row: 7, sku: 'DUP', field: 'sku', code: 'sku_duplicate' },
      ]);
    });

    it('stores only the valid rows', async () => {
      const skus = (await em(tenantId).find(Product, {}, { orderBy: { sku: 'asc' } })).map((product) => product.sku);
      expect(skus).toEqual(['NEG', 'OK1', 'OK2']);
    });

    it('leaves the earlier product unchanged', async () => {
      const product = await findProduct(tenantId, 'NEG');
      expect(product).toMatchObject({ cost: 150, stock: 2, stockByWarehouse: { egdc: 1, fami: 1 }, priceModifiers: { MERCADOLIBRE: 2 } });
    });
  });

  describe('file errors', () => {
    const tenantId = 'tenant-file-errors';

    it('writes nothing when a column is missing', async () => {
      const columns = CATALOG_COLUMNS.filter((column) => column !== 'costo');
      const error = await importFor(tenantId, buildCsv([{ sku: 'X1' }], { columns })).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CatalogFileError);
      expect((error as CatalogFileError).problem).toMatchObject({ code: 'columns_missing', params: { missing: ['costo'] } });
      expect(await em(tenantId).count(Product, {})).toBe(0);
    });
  });

  describe('tenants', () => {
    it('hides tenant A products from tenant B', async () => {
      await importFor('tenant-a', buildCsv([{ sku: 'A1' }]));
      expect(await em('tenant-b').count(Product, {})).toBe(0);
      expect(await findProduct('tenant-b', 'A1')).toBeNull();
    });

    it('lets two tenants share a SKU', async () => {
      const report = await importFor('tenant-b', buildCsv([{ sku: 'A1', costo: '99' }]));
      expect(report.created).toBe(1);
      expect((await findProduct('tenant-a', 'A1'))!.cost).toBe(190);
      expect((await findProduct('tenant-b', 'A1'))!.cost).toBe(99);
    });

    it('rejects an entity manager of another tenant', async () => {
      await expect(importCatalog(em('tenant-b'), 'tenant-a', buildCsv([{ sku: 'A2' }]))).rejects.toThrow(/scoped to tenant "tenant-b"/);
      expect(await findProduct('tenant-a', 'A2')).toBeNull();
    });
  });

  describe('transaction', () => {
    const tenantId = 'tenant-rollback';

    beforeAll(async () => {
      // A real failure late in the write: the database rejects one SKU after earlier batches went in.
      const connection = crossTenantEntityManager(database.orm).getConnection();
      await connection.execute(`
        create function reject_boom() returns trigger language plpgsql as $$
        begin
          if new.sku = 'BOOM' then raise exception 'product BOOM rejected by test trigger'; end if;
          return new;
        end $$;`);
      await connection.execute('create trigger reject_boom before insert on product for each row execute function reject_boom();');
    });

    it('writes nothing when a row fails', async () => {
      const rows = Array.from({ length: 700 }, (_, position) => ({ sku: `R${position}`, modelo: `M${position}` }));
      rows.push({ sku: 'BOOM', modelo: 'BOOM' });
      await expect(importFor(tenantId, buildCsv(rows))).rejects.toThrow(/product BOOM rejected/);
      expect(await em(tenantId).count(Product, {})).toBe(0);
    });
  });
});
