import { z } from 'zod';
import type { MarketplaceConnector, RemoteListing, StockChange, StockRef } from '../../../src/connectors/shared/index.js';
import { ResiliencePolicy } from '../../../src/connectors/shared/resilience/index.js';
import { createShopifyConfig, createShopifyConnector, SHOPIFY_DEFAULT_API_VERSION, SHOPIFY_DEFAULT_SCOPES } from '../../../src/connectors/shopify/index.js';
import { startShopifySandbox, type ShopifySandbox } from '../../../src/sandbox/shopify/index.js';
import type { FootwearModel, MarketplaceDriver } from '../drivers.js';
import { changeLastDigit } from '../tamper.js';
import { startWebhookReceiver, type WebhookReceiver } from '../webhook-receiver.js';
import { testLogger } from '../../support/logger.js';

const CLIENT_ID = 'egdc-contract-shopify-client';
const CLIENT_SECRET = 'contract-shopify-secret-0123456789';
const REDIRECT_URI = 'https://app.example.test/oauth/shopify/callback';
const SHOP = 'zapateria-contrato.myshopify.com';
const GRAPHQL_PATH = `/shops/${SHOP}/admin/api/${SHOPIFY_DEFAULT_API_VERSION}/graphql.json`;
/** Products per import page, small so that the contract catalog spans several pages. */
const IMPORT_PAGE_SIZE = 10;
/** Bucket size of the Plus plan (restore rate 1000 points per second), which covers a full import. */
const PLUS_BUCKET_POINTS = 20_000;

/** Body of a StockLevels request: the GraphQL document and the variant ids it reads. */
const stockLevelsRequestSchema = z.object({ query: z.string().includes('query StockLevels'), variables: z.object({ ids: z.array(z.string()) }) });

/** Shopify: OAuth with an HMAC-signed redirect, GraphQL Admin API, HMAC-signed webhooks. */
export function createShopifyDriver(): MarketplaceDriver {
  let sandbox: ShopifySandbox | undefined;
  let receiver: WebhookReceiver | undefined;
  let connector: MarketplaceConnector | undefined;
  const variants = new Map<string, string>();
  let firstProductId = '';

  const requireSandbox = (): ShopifySandbox => {
    if (!sandbox) throw new Error('Shopify driver: call start() first.');
    return sandbox;
  };
  const variantOf = (sku: string): string => {
    const variantId = variants.get(sku);
    if (!variantId) throw new Error(`Shopify driver: SKU ${sku} was not seeded.`);
    return variantId;
  };

  return {
    name: 'Shopify',
    marketplace: 'SHOPIFY',
    capabilities: { signedCallback: true, signedWebhooks: true, refreshTokens: true },
    accessTokenPattern: /^shpat_[0-9a-f]{32}$/,
    orderTopic: 'orders/create',
    stockEditTopic: 'inventory_levels/update',
    appSecrets: [CLIENT_SECRET],
    get webhooks(): WebhookReceiver {
      if (!receiver) throw new Error('Shopify driver: call start() first.');
      return receiver;
    },

    async start() {
      receiver = await startWebhookReceiver();
      sandbox = await startShopifySandbox({
        apps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI], name: 'EGDC Inventario', webhookUrl: `${receiver.url}/webhooks/shopify` }],
        webhookRetryDelayMs: 20,
        logger: testLogger(),
      });
      const started = sandbox;
      const config = createShopifyConfig({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, endpointForShop: (shopDomain) => started.endpointForShop(shopDomain) });
      // One attempt per call, so each case gets the response it set up; test/resilience covers retries.
      connector = createShopifyConnector(config, { importPageSize: IMPORT_PAGE_SIZE, resilience: new ResiliencePolicy({ maxAttempts: 1 }) });
    },

    async close() {
      await sandbox?.close();
      await receiver?.close();
    },

    connector() {
      if (!connector) throw new Error('Shopify driver: call start() first.');
      return connector;
    },

    seed(models: readonly FootwearModel[]) {
      const seeded = requireSandbox().seedShop({
        shopDomain: SHOP,
        name: 'Zapatería Contrato',
        plan: 'plus',
        products: models.map((model) => ({
          title: model.title,
          vendor: 'EGDC',
          variants: model.sizes.map((size) => ({ sku: size.sku, size: size.size, color: model.color, price: model.price, available: size.quantity })),
        })),
      });
      firstProductId = seeded.products[0]?.productId ?? '';
      models.forEach((model, index) => {
        const product = seeded.products[index];
        model.sizes.forEach((size, position) => variants.set(size.sku, product?.variantIds[position] ?? ''));
      });
    },

    accountId: () => SHOP,
    shopDomain: () => SHOP,
    consentSelection: () => ({}),

    issueCallback({ state }) {
      return requireSandbox().issueAuthorizationCode({ clientId: CLIENT_ID, shopDomain: SHOP, redirectUri: REDIRECT_URI, scopes: [...SHOPIFY_DEFAULT_SCOPES], state }).callbackQuery;
    },

    tamperWebhookBody: changeLastDigit,

    requestCount: () => requireSandbox().requests.length,

    // The connector reads 100 variants per StockLevels query, the batch its stock write reads too.
    stockReadBatchSize: 100,

    stockReadRequestSizes: (since) =>
      requireSandbox()
        .requests.slice(since)
        .flatMap((request) => {
          const parsed = stockLevelsRequestSchema.safeParse(request.body);
          return request.path === GRAPHQL_PATH && parsed.success ? [parsed.data.variables.ids.length] : [];
        }),

    unknownStockRefs: (listing): StockRef[] => [
      { externalId: 'gid://shopify/Product/999999999', externalVariantId: 'gid://shopify/ProductVariant/999999999' },
      { externalId: listing.externalId, externalVariantId: 'gid://shopify/ProductVariant/999999998' },
    ],

    injectMalformedStockRead(listing) {
      const node = { id: listing.externalVariantId, product: { id: 'Product 1' }, inventoryItem: { id: 'gid://shopify/InventoryItem/1', inventoryLevel: null } };
      requireSandbox().injectFault({ method: 'POST', path: GRAPHQL_PATH, status: 200, body: { data: { nodes: [node] } } });
      return 'data.nodes[0].product.id';
    },

    readStock: (sku) => {
      const available = requireSandbox().getAvailable(variantOf(sku));
      if (available === undefined) throw new Error(`Shopify sandbox has no inventory level for ${sku}.`);
      return available;
    },

    setStockManually: (sku, quantity) => requireSandbox().setAvailable(variantOf(sku), quantity),

    createOrder: (sku, quantity) => requireSandbox().createOrder({ shopDomain: SHOP, lines: [{ variantId: variantOf(sku), quantity }] }).id,

    expireTokens: () => requireSandbox().expireAccessTokens(SHOP),
    revokeAuthorization: () => requireSandbox().revokeAuthorization(SHOP, CLIENT_ID),

    forceThrottle() {
      // With an empty cost bucket that refills slowly, the sandbox responds THROTTLED as Shopify does.
      requireSandbox().setThrottle({ restoreRate: 10 });
      requireSandbox().setBucketAvailable(SHOP, CLIENT_ID, 0);
    },

    injectStatus: (status) => requireSandbox().injectFault({ method: 'POST', path: GRAPHQL_PATH, status }),

    injectMalformedImport() {
      requireSandbox().injectFault({
        method: 'POST',
        path: GRAPHQL_PATH,
        status: 200,
        body: {
          data: {
            shop: { currencyCode: 'MXN' },
            products: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [{ id: firstProductId, title: 'Tenis', status: 'ACTIVE', updatedAt: 'yesterday' }] },
          },
        },
      });
      return 'data.products.nodes[0].updatedAt';
    },

    rejectStockChange(listing: RemoteListing, quantity: number): StockChange {
      // inventorySetQuantities applies all or nothing, and the sandbox rejects no valid quantity of a
      // known variant. So the mutation's response is replaced: the first rule lets the stock read
      // through, and the second rejects quantities[0] as Shopify does when the inventory item is gone.
      requireSandbox().injectFault({ method: 'POST', path: GRAPHQL_PATH, latencyMs: 0 });
      requireSandbox().injectFault({
        method: 'POST',
        path: GRAPHQL_PATH,
        status: 200,
        body: {
          data: {
            inventorySetQuantities: {
              inventoryAdjustmentGroup: null,
              userErrors: [{ code: 'INVALID_INVENTORY_ITEM', field: ['input', 'quantities', '0', 'inventoryItemId'], message: 'The specified inventory item could not be found.' }],
            },
          },
        },
      });
      return { externalId: listing.externalId, externalVariantId: listing.externalVariantId, quantity };
    },

    flushWebhooks: () => requireSandbox().webhooks.flush(),

    resetFaults() {
      requireSandbox().clearFaults();
      requireSandbox().setThrottle({});
      requireSandbox().setBucketAvailable(SHOP, CLIENT_ID, PLUS_BUCKET_POINTS);
    },
  };
}
