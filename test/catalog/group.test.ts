import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareSizes, groupIntoModels, priceFor } from '../../src/catalog/group.js';
import { readCatalog } from '../../src/catalog/import.js';
import { REAL_CATALOG_PATH, buildCsv } from './support.js';

const realRows = readCatalog(readFileSync(REAL_CATALOG_PATH)).rows;

describe('groupIntoModels on the real export', () => {
  const models = groupIntoModels(realRows);

  it('finds 312 models', () => {
    expect(models).toHaveLength(312);
  });

  it('keeps every row once', () => {
    const skus = models.flatMap((model) => model.variations.map((variation) => variation.sku));
    expect(skus).toHaveLength(2400);
    expect(new Set(skus).size).toBe(2400);
  });

  it('has at most 10 sizes per model', () => {
    const largest = Math.max(...models.map((model) => model.variations.length));
    expect(largest).toBe(10);
    const escolar = models.find((model) => model.title === 'Zapato Escolar ESCOLAR MX 243 ORO');
    expect(escolar?.variations.map((variation) => variation.size)).toEqual(['15', '16', '17', '18', '19', '20', '21', '22', '23', '24']);
  });

  it('sorts sizes by value', () => {
    for (const model of models) {
      const sizes = model.variations.map((variation) => Number(variation.size));
      expect(sizes, model.title).toEqual([...sizes].sort((a, b) => a - b));
    }
  });

  it('builds the first model', () => {
    const [first] = models;
    expect(first).toMatchObject({
      key: JSON.stringify(['GABRIELAS', '200', 'PLATA']),
      title: 'Tacones GABRIELAS 200 PLATA',
      category: 'Tacones',
      brand: 'GABRIELAS',
      model: '200',
      color: 'PLATA',
    });
    expect(first!.variations.map((variation) => variation.sku)).toEqual(['GABR200_PLATA23', 'GABR200_PLATA24', 'GABR200_PLATA25', 'GABR200_PLATA26']);
    expect(first!.variations[0]).toEqual({
      sku: 'GABR200_PLATA23',
      size: '23',
      ean: '7506597529564',
      cost: 190,
      stock: 8,
      priceModifiers: { SHEIN: 1.5, SHOPIFY: 2, MERCADOLIBRE: 2.2 },
      prices: { SHEIN: 285, SHOPIFY: 380, MERCADOLIBRE: 418 },
      channels: ['SHEIN', 'MERCADOLIBRE', 'SHOPIFY', 'TIKTOK', 'UPSELLER'],
    });
  });
});

describe('groupIntoModels ordering', () => {
  it('places half sizes between whole sizes', () => {
    const rows = readCatalog(buildCsv([
      { sku: 'S23', talla: '23' }, { sku: 'S225', talla: '22.5' }, { sku: 'S22', talla: '22' }, { sku: 'S235', talla: '23.5' },
    ])).rows;
    const [model] = groupIntoModels(rows);
    expect(model!.variations.map((variation) => variation.size)).toEqual(['22', '22.5', '23', '23.5']);
  });

  it('keeps models in file order', () => {
    const rows = readCatalog(buildCsv([{ sku: 'B1', color: 'ORO' }, { sku: 'A1', color: 'PLATA' }, { sku: 'B2', color: 'ORO', talla: '24' }])).rows;
    expect(groupIntoModels(rows).map((model) => model.color)).toEqual(['ORO', 'PLATA']);
  });

  it('omits prices without a modifier', () => {
    const rows = readCatalog(buildCsv([{ shein_modifier: '', shopify_modifier: '' }])).rows;
    expect(groupIntoModels(rows)[0]!.variations[0]!.prices).toEqual({ MERCADOLIBRE: 418 });
  });
});

describe('compareSizes', () => {
  it('puts sizes that are not numbers last', () => {
    expect(['CH', '24', 'G', '9', '22.5'].sort(compareSizes)).toEqual(['9', '22.5', '24', 'CH', 'G']);
  });
});

describe('priceFor', () => {
  it('multiplies and rounds to centavos', () => {
    expect(priceFor(190, 2.2)).toBe(418);
    expect(priceFor(302, 1.5)).toBe(453);
    expect(priceFor(199.99, 1.15)).toBe(229.99);
    expect(priceFor(1.005, 1)).toBe(1.01);
    expect(priceFor(0, 2)).toBe(0);
  });
});
