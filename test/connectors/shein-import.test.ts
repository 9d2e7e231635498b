import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarketplaceError, type ImportCheckpoint, type RemoteListing, type TokenSet } from '../../src/connectors/shared/index.js';
import { createSheinConnector, verifySignature, type SheinConfig } from '../../src/connectors/shein/index.js';
import type { SeededSeller, SheinSandbox } from '../../src/sandbox/shein/index.js';
import { connectSeller, footwear, sandboxConfig, sessionFor, startTestSandbox } from './shein-fixtures.js';

let sandbox: SheinSandbox;
let config: SheinConfig;
let seeded: SeededSeller;
let tokens: TokenSet;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  config = sandboxConfig(sandbox);
  const products = footwear(40, 'IMP');
  // One model with two colours and a barcode, to check the SKC and SKU mapping.
  products[0] = {
    title: 'Tacones Gabrielas 200',
    price: 418,
    skcs: [
      { color: 'Plata', sizes: [{ size: '23', sellerSku: 'GABR200_PLATA23', quantity: 3, barcode: '7506597529564' }, { size: '24', sellerSku: 'GABR200_PLATA24', quantity: 0 }] },
      { color: 'Oro', onShelf: false, sizes: [{ size: '23', sellerSku: 'GABR200_ORO23', quantity: 7, price: 450 }] },
    ],
  };
  seeded = sandbox.seedSeller({ name: 'ZAPATERIA_IMPORT', products });
  sandbox.seedSeller({ name: 'OTRA_TIENDA', products: footwear(3, 'OTRA') });
  tokens = await connectSeller(sandbox, config, seeded.supplierId);
});

afterAll(async () => {
  await sandbox.close();
});

async function importAll(pageSize: number): Promise<{ listings: RemoteListing[]; checkpoints: Array<ImportCheckpoint | null>; calls: number }> {
  const connector = createSheinConnector(config, { importPageSize: pageSize });
  const calls = { count: 0 };
  const session = sessionFor(tokens, calls);
  const listings: RemoteListing[] = [];
  const checkpoints: Array<ImportCheckpoint | null> = [];
  let checkpoint: ImportCheckpoint | null = null;
  do {
    const page = await connector.importListings(session, checkpoint);
    listings.push(...page.listings);
    checkpoint = page.checkpoint;
    checkpoints.push(checkpoint);
  } while (checkpoint !== null);
  return { listings, checkpoints, calls: calls.count };
}

describe('SHEIN listing import', () => {
  it('imports every SKU across pages', async () => {
    const before = sandbox.requests.length;
    const { listings, checkpoints, calls } = await importAll(15);

    expect(checkpoints).toEqual([{ version: 1, pageNum: 2 }, { version: 1, pageNum: 3 }, null]);
    expect(listings).toHaveLength(120);
    expect(new Set(listings.map((listing) => listing.externalVariantId))).toEqual(new Set(seeded.skuCodes));
    expect(new Set(listings.map((listing) => listing.externalId))).toEqual(new Set(seeded.spuNames));
    expect(listings.every((listing) => listing.marketplace === 'SHEIN')).toBe(true);

    const requests = sandbox.requests.slice(before);
    const queries = requests.filter((request) => request.path === '/open-api/openapi-business-backend/product/query');
    expect(queries.map((request) => request.body)).toEqual([
      { pageNum: 1, pageSize: 15 },
      { pageNum: 2, pageSize: 15 },
      { pageNum: 3, pageSize: 15 },
    ]);
    const details = requests.filter((request) => request.path === '/open-api/goods/spu-info');
    expect(details).toHaveLength(40);
    expect(details[0]?.body).toEqual({ spuName: seeded.spuNames[0], languageList: ['es'] });
    const stockQueries = requests.filter((request) => request.path === '/open-api/stock/stock-query');
    expect(stockQueries).toHaveLength(3);
    expect(calls).toBe(requests.length);
    expect(requests.every((request) => request.status === 200)).toBe(true);
  });

  it('maps sizes, colours and stock', async () => {
    const { listings } = await importAll(50);
    const spuName = seeded.spuNames[0] ?? '';
    const model = listings.filter((listing) => listing.externalId === spuName);

    expect(model).toEqual([
      expect.objectContaining({
        externalVariantId: seeded.skuCodes[0],
        sellerSku: 'GABR200_PLATA23',
        title: 'Tacones Gabrielas 200',
        price: 418,
        currency: 'MXN',
        availableQuantity: 3,
        status: 'on_shelf',
        size: '23',
        color: 'Plata',
        gtin: '7506597529564',
      }),
      expect.objectContaining({ sellerSku: 'GABR200_PLATA24', availableQuantity: 0, size: '24', gtin: null }),
      expect.objectContaining({ sellerSku: 'GABR200_ORO23', availableQuantity: 7, price: 450, color: 'Oro', status: 'off_shelf' }),
    ]);
    expect(model[0]?.updatedAt).toBeInstanceOf(Date);
    expect(listings.find((listing) => listing.sellerSku === 'IMP039_NEGRO26')).toMatchObject({ size: '26', availableQuantity: 4 });
  });

  it('imports a single page without checkpoint', async () => {
    const { listings, checkpoints } = await importAll(50);
    expect(checkpoints).toEqual([null]);
    expect(listings).toHaveLength(120);
  });

  it('reports usable stock after an order', async () => {
    const skuCode = seeded.skuCodes[5] ?? '';
    sandbox.createOrder({ supplierId: seeded.supplierId, lines: [{ skuCode, quantity: 2 }] });
    await sandbox.webhooks.flush();

    const { listings } = await importAll(50);
    expect(listings.find((listing) => listing.externalVariantId === skuCode)?.availableQuantity).toBe(2);
  });

  it('signs every request with the seller key', async () => {
    const before = sandbox.requests.length;
    await importAll(50);
    const openKeyId = String(tokens.metadata?.openKeyId);
    for (const request of sandbox.requests.slice(before)) {
      expect(request.headers['x-lt-openkeyid']).toBe(openKeyId);
      expect(request.headers['content-type']).toBe('application/json;charset=UTF-8');
      const valid = verifySignature({
        keyId: openKeyId,
        secret: tokens.accessToken,
        path: request.path,
        timestamp: request.headers['x-lt-timestamp'] ?? '',
        signature: request.headers['x-lt-signature'] ?? '',
      });
      expect(valid).toBe(true);
    }
  });

  it('rejects a foreign checkpoint', async () => {
    const connector = createSheinConnector(config);
    const error = await connector.importListings(sessionFor(tokens), { offset: 3 }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(MarketplaceError);
    expect((error as MarketplaceError).code).toBe('invalid_checkpoint');
  });

  it('rejects a page size above 50', async () => {
    const connector = createSheinConnector(config, { importPageSize: 51 });
    await expect(connector.importListings(sessionFor(tokens), null)).rejects.toThrow(/pageSize must be an integer from 1 to 50/);
  });
});
