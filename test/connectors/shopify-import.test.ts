import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createShopifyConnector, type ShopifyConfig } from '../../src/connectors/shopify/index.js';
import { MarketplaceError, MarketplaceResponseShapeError, type ImportCheckpoint, type RemoteListing } from '../../src/connectors/shared/index.js';
import { startShopifySandbox, type ShopifySandbox } from '../../src/sandbox/shopify/index.js';
import { connectShop, footwearProducts, sandboxApp, sandboxConfig, type ConnectedShop } from './shopify-fixtures.js';
import { testLogger } from '../support/logger.js';

const SHOP = 'zapateria-catalogo.myshopify.com';
const WIDE_SHOP = 'zapateria-tallas.myshopify.com';
const PRODUCT_COUNT = 130;
const GRAPHQL_PATH = `/shops/${SHOP}/admin/api/2026-04/graphql.json`;

let sandbox: ShopifySandbox;
let config: ShopifyConfig;
let connected: ConnectedShop;
let firstProductId: string;
let firstInventoryItemId: string;

beforeAll(async () => {
  sandbox = await startShopifySandbox({ apps: [sandboxApp()], logger: testLogger() });
  config = sandboxConfig(sandbox);
  // The Plus plan's bucket (20 000 points) covers a full import without waiting.
  const seeded = sandbox.seedShop({ shopDomain: SHOP, plan: 'plus', products: footwearProducts(PRODUCT_COUNT, 'CAT') });
  firstProductId = seeded.products[0]?.productId ?? '';
  firstInventoryItemId = seeded.products[0]?.inventoryItemIds[0] ?? '';
  sandbox.seedShop({
    shopDomain: WIDE_SHOP,
    plan: 'plus',
    products: [
      {
        title: 'Bota Industrial Ñandú',
        variants: Array.from({ length: 150 }, (_, index) => ({ sku: `BOTA_${index}`, size: String(index + 1), price: 1250.5, available: index % 4 })),
      },
    ],
  });
  connected = await connectShop(sandbox, config, SHOP);
});

afterEach(() => {
  sandbox.clearFaults();
});

afterAll(async () => {
  await sandbox.close();
});

async function importAll(connector: ReturnType<typeof createShopifyConnector>, session = connected.session): Promise<{ listings: RemoteListing[]; pages: number }> {
  const listings: RemoteListing[] = [];
  let checkpoint: ImportCheckpoint | null = null;
  let pages = 0;
  do {
    const page = await connector.importListings(session, checkpoint);
    listings.push(...page.listings);
    checkpoint = page.checkpoint;
    pages++;
  } while (checkpoint !== null && pages < 20);
  return { listings, pages };
}

function graphqlOperations(from: number): string[] {
  return sandbox.requests
    .slice(from)
    .filter((request) => request.path.endsWith('/graphql.json'))
    .map((request) => String((request.body as { operationName?: unknown }).operationName));
}

describe('Shopify import', () => {
  it('reads the catalog page by page', async () => {
    const connector = createShopifyConnector(config);
    const before = sandbox.requests.length;

    const { listings, pages } = await importAll(connector);

    expect(pages).toBe(2);
    expect(listings).toHaveLength(PRODUCT_COUNT * 2);
    expect(new Set(listings.map((listing) => listing.externalVariantId)).size).toBe(PRODUCT_COUNT * 2);
    expect(listings.map((listing) => listing.sellerSku).slice(0, 4)).toEqual(['CAT0000_NEGRO25', 'CAT0000_NEGRO26', 'CAT0001_NEGRO25', 'CAT0001_NEGRO26']);
    expect(listings.at(-1)?.sellerSku).toBe(`CAT0${PRODUCT_COUNT - 1}_NEGRO26`);
    // 100 products then 30: each page reads its products, then their 200 or 60 variants.
    expect(graphqlOperations(before)).toEqual(['ImportProducts', 'ImportVariants', 'ImportVariants', 'ImportProducts', 'ImportVariants']);
  });

  it('maps variants to listings', async () => {
    const connector = createShopifyConnector(config, { importPageSize: 1 });

    const page = await connector.importListings(connected.session, null);

    expect(page.checkpoint).toEqual({ version: 1, mode: 'pages', after: expect.any(String) });
    expect(page.listings).toHaveLength(2);
    const [first] = page.listings;
    expect(first).toEqual({
      marketplace: 'SHOPIFY',
      externalId: firstProductId,
      externalVariantId: expect.stringMatching(/^gid:\/\/shopify\/ProductVariant\/\d+$/),
      sellerSku: 'CAT0000_NEGRO25',
      title: 'Tenis CAT0000 Negro',
      price: 899,
      currency: 'MXN',
      availableQuantity: 3,
      status: 'active',
      size: '25',
      color: 'Negro',
      gtin: '7500000000001',
      updatedAt: expect.any(Date),
      stockHandle: firstInventoryItemId,
    });
    expect(page.listings[1]?.gtin).toBeNull();
  });

  it('sends the token and API version', async () => {
    const connector = createShopifyConnector(config, { importPageSize: 1 });
    const before = sandbox.requests.length;

    await connector.importListings(connected.session, null);

    const request = sandbox.requests[before];
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(`/shops/${SHOP}/admin/api/2026-04/graphql.json`);
    expect(request?.headers['x-shopify-access-token']).toBe(connected.tokens.accessToken);
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.status).toBe(200);
  });

  it('pages variants past 100', async () => {
    const wide = await connectShop(sandbox, config, WIDE_SHOP);
    const connector = createShopifyConnector(config);
    const before = sandbox.requests.length;

    const { listings } = await importAll(connector, wide.session);

    expect(listings).toHaveLength(150);
    expect(listings.map((listing) => listing.size)).toEqual(Array.from({ length: 150 }, (_, index) => String(index + 1)));
    expect(listings[5]).toMatchObject({ title: 'Bota Industrial Ñandú', price: 1250.5, availableQuantity: 1, color: null });
    expect(graphqlOperations(before)).toEqual(['ImportProducts', 'ImportVariants', 'ImportVariants']);
    // A full page of 100 variants with their inventory level: 2 + 100 x 6 points.
    expect(connector.lastThrottleStatus(WIDE_SHOP)?.requestedQueryCost).toBe(602);
  });

  it('finds the primary location without metadata', async () => {
    const connector = createShopifyConnector(config, { importPageSize: 1 });
    const before = sandbox.requests.length;

    const page = await connector.importListings({ ...connected.session, metadata: undefined }, null);

    expect(page.listings[0]?.availableQuantity).toBe(3);
    expect(graphqlOperations(before)[0]).toBe('PrimaryLocation');
  });

  it('reads everything with a bulk operation', async () => {
    const paged = await importAll(createShopifyConnector(config));
    const connector = createShopifyConnector(config, { fullImport: 'bulk', bulk: { pollIntervalMs: 5 } });
    const before = sandbox.requests.length;

    const page = await connector.importListings(connected.session, null);

    expect(page.checkpoint).toBeNull();
    const byVariant = (listings: RemoteListing[]) => [...listings].sort((a, b) => String(a.externalVariantId).localeCompare(String(b.externalVariantId)));
    expect(byVariant(page.listings)).toEqual(byVariant(paged.listings));
    const operations = graphqlOperations(before);
    expect(operations[0]).toBe('StartBulkQuery');
    expect(operations).toContain('BulkOperationStatus');
    const download = sandbox.requests.slice(before).find((request) => request.path.startsWith('/bulk-results/'));
    expect(download?.method).toBe('GET');
    expect(download?.status).toBe(200);
    expect(download?.headers['x-shopify-access-token']).toBeUndefined();
  });

  it('resumes a running bulk operation', async () => {
    const slow = await startShopifySandbox({ apps: [sandboxApp()], logger: testLogger(), bulkOperationDelayMs: 150 });
    try {
      slow.seedShop({ shopDomain: SHOP, plan: 'plus', products: footwearProducts(3, 'LENTO') });
      const slowConfig = sandboxConfig(slow);
      const { session } = await connectShop(slow, slowConfig, SHOP);
      const connector = createShopifyConnector(slowConfig, { fullImport: 'bulk', bulk: { pollIntervalMs: 10, maxWaitMs: 0 } });

      const first = await connector.importListings(session, null);
      expect(first.listings).toEqual([]);
      expect(first.checkpoint).toEqual({ version: 1, mode: 'bulk', operationId: expect.stringMatching(/^gid:\/\/shopify\/BulkOperation\/\d+$/) });

      let page = first;
      for (let calls = 0; page.checkpoint !== null && calls < 100; calls++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        page = await connector.importListings(session, page.checkpoint);
      }
      expect(page.checkpoint).toBeNull();
      expect(page.listings.map((listing) => listing.sellerSku).sort()).toEqual(
        ['LENTO0000', 'LENTO0001', 'LENTO0002'].flatMap((model) => [`${model}_NEGRO25`, `${model}_NEGRO26`]),
      );
    } finally {
      await slow.close();
    }
  });

  it('rejects a foreign checkpoint', async () => {
    const error = await createShopifyConnector(config)
      .importListings(connected.session, { version: 1, mode: 'offset', offset: 50, seenItemIds: [] })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(MarketplaceError);
    expect((error as MarketplaceError).code).toBe('invalid_checkpoint');
  });

  it('rejects a product page of the wrong shape', async () => {
    sandbox.injectFault({
      method: 'POST',
      path: GRAPHQL_PATH,
      status: 200,
      body: { data: { shop: { currencyCode: 'MXN' }, products: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [{ id: firstProductId, title: 'X', status: 'ACTIVE', updatedAt: 'yesterday' }] } } },
    });

    const error = await createShopifyConnector(config).importListings(connected.session, null).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(MarketplaceResponseShapeError);
    expect((error as MarketplaceResponseShapeError).fieldPath).toBe('data.products.nodes[0].updatedAt');
    expect((error as MarketplaceResponseShapeError).message).toContain('ImportProducts');
  });

  it('rejects a variant page of the wrong shape', async () => {
    // The first rule lets the products query through, and the second replaces the variants response.
    sandbox.injectFault({ method: 'POST', path: GRAPHQL_PATH, latencyMs: 0 });
    sandbox.injectFault({
      method: 'POST',
      path: GRAPHQL_PATH,
      status: 200,
      body: {
        data: {
          productVariants: {
            pageInfo: { hasNextPage: false, endCursor: null },
            nodes: [
              {
                id: 'gid://shopify/ProductVariant/1',
                title: '25',
                sku: 'X',
                barcode: null,
                price: 899,
                updatedAt: '2026-05-10T10:00:00Z',
                selectedOptions: [],
                inventoryItem: { id: 'gid://shopify/InventoryItem/1', inventoryLevel: null },
                product: { id: firstProductId },
              },
            ],
          },
        },
      },
    });

    const error = await createShopifyConnector(config, { importPageSize: 1 }).importListings(connected.session, null).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(MarketplaceResponseShapeError);
    expect((error as MarketplaceResponseShapeError).fieldPath).toBe('data.productVariants.nodes[0].price');
  });
});
