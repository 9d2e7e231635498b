import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTikTokConnector, importPage, type TikTokConfig } from '../../src/connectors/tiktok/index.js';
import { MarketplaceError, type ConnectorSession, type ImportCheckpoint, type RemoteListing } from '../../src/connectors/shared/index.js';
import { startTikTokSandbox, type SeededShop, type TikTokSandbox } from '../../src/sandbox/tiktok/index.js';
import { APP_KEY, connectShop, footwearProducts, rejectionOf, sandboxApp, sandboxConfig, type ConnectedShop } from './tiktok-fixtures.js';
import { testLogger } from '../support/logger.js';

let sandbox: TikTokSandbox;
let config: TikTokConfig;
let shop: SeededShop;
let connected: ConnectedShop;

beforeAll(async () => {
  sandbox = await startTikTokSandbox({ apps: [sandboxApp()], logger: testLogger() });
  config = sandboxConfig(sandbox);
  // 45 models with 3 sizes each: 135 SKUs.
  const seller = sandbox.seedSeller({ sellerName: 'Zapatería Catálogo', shops: [{ name: 'CATALOGO_MX', products: footwearProducts(45, 'CAT') }] });
  sandbox.seedSeller({ sellerName: 'Otra Tienda', shops: [{ name: 'OTRA_MX', products: footwearProducts(3, 'OTRA') }] });
  const first = seller.shops[0];
  if (!first) throw new Error('seedSeller returned no shop');
  shop = first;
  connected = await connectShop(sandbox, config, seller.openId);
});

afterAll(async () => {
  await sandbox.close();
});

/** Runs an import to the end through the connector, passing each checkpoint through JSON as a job store would. */
async function importAll(session: ConnectorSession, pageSize: number): Promise<{ listings: RemoteListing[]; pages: number }> {
  const connector = createTikTokConnector(config, { importPageSize: pageSize });
  const listings: RemoteListing[] = [];
  let checkpoint: ImportCheckpoint | null = null;
  let pages = 0;
  do {
    const page = await connector.importListings(session, checkpoint);
    listings.push(...page.listings);
    checkpoint = page.checkpoint === null ? null : (JSON.parse(JSON.stringify(page.checkpoint)) as ImportCheckpoint);
    pages += 1;
    expect(pages).toBeLessThan(50);
  } while (checkpoint !== null);
  return { listings, pages };
}

describe('TikTok import', () => {
  it('reads every SKU across pages', async () => {
    let apiCalls = 0;
    const before = sandbox.requests.length;

    const run = await importAll({ ...connected.session, onApiCall: () => (apiCalls += 1) }, 10);

    expect(run.listings).toHaveLength(135);
    expect(run.pages).toBe(5);
    expect(apiCalls).toBe(5);
    const expected = shop.productIds.flatMap((productId) => (sandbox.getProduct(productId)?.skus ?? []).map((sku) => `${productId}/${sku.id}`));
    expect(run.listings.map((listing) => `${listing.externalId}/${listing.externalVariantId}`)).toEqual(expected);

    const searches = sandbox.requests.slice(before);
    expect(searches.map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual(Array(5).fill('POST /product/202312/products/search 200'));
    for (const [index, request] of searches.entries()) {
      expect(request.query.app_key).toBe(APP_KEY);
      expect(request.query.shop_cipher).toBe(shop.cipher);
      expect(request.query.page_size).toBe('10');
      expect(request.query.sign).toMatch(/^[0-9a-f]{64}$/);
      expect(request.query.timestamp).toMatch(/^\d{10}$/);
      expect(request.query.page_token === undefined).toBe(index === 0);
      expect(request.headers['x-tts-access-token']).toBe(connected.tokens.accessToken);
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.rawBody).toBe('{}');
    }
  });

  it('maps SKU fields', async () => {
    const { listings } = await importAll(connected.session, 100);
    const productId = shop.productIds[1] ?? '';
    const sku = sandbox.getProduct(productId)?.skus[2];

    const listing = listings.find((candidate) => candidate.externalVariantId === sku?.id);
    expect(listing).toEqual({
      marketplace: 'TIKTOK',
      externalId: productId,
      externalVariantId: sku?.id,
      sellerSku: 'CAT001_NEGRO25',
      title: 'Tenis CAT001 Negro',
      price: 899,
      currency: 'MXN',
      availableQuantity: 4,
      status: 'ACTIVATE',
      size: '25',
      color: 'NEGRO',
      gtin: null,
      updatedAt: expect.any(Date),
    });
    // Product 0 names its size attribute "Talla", product 1 "Size"; both map to size.
    expect(listings.find((candidate) => candidate.sellerSku === 'CAT000_NEGRO24')?.size).toBe('24');
  });

  it('leaves out deleted products and filters by status', async () => {
    const [deletedId, pausedId] = shop.productIds;
    sandbox.setProductStatus(deletedId ?? '', 'DELETED');
    sandbox.setProductStatus(pausedId ?? '', 'SELLER_DEACTIVATED');
    try {
      const all = await importAll(connected.session, 100);
      expect(all.listings).toHaveLength(132);
      expect(all.listings.some((listing) => listing.externalId === deletedId)).toBe(false);
      expect(all.listings.find((listing) => listing.externalId === pausedId)?.status).toBe('SELLER_DEACTIVATED');

      const live = await importPage(connected.client, null, { status: 'ACTIVATE', pageSize: 100 });
      expect(live.listings).toHaveLength(129);
      expect(sandbox.requests.at(-1)?.rawBody).toBe('{"status":"ACTIVATE"}');
    } finally {
      sandbox.setProductStatus(deletedId ?? '', 'ACTIVATE');
      sandbox.setProductStatus(pausedId ?? '', 'ACTIVATE');
    }
  });

  it('rejects a foreign checkpoint', async () => {
    const error = await rejectionOf(importPage(connected.client, { offset: 10 }));

    expect(error).toBeInstanceOf(MarketplaceError);
    expect(error).toMatchObject({ kind: 'invalid_input', code: 'invalid_checkpoint' });
  });

  it('rejects an out-of-range page size', async () => {
    await expect(importPage(connected.client, null, { pageSize: 101 })).rejects.toThrow(RangeError);
  });
});
