import type { MarketplaceConnector, RemoteListing, StockChange, StockRef } from '../../../src/connectors/shared/index.js';
import { ResiliencePolicy } from '../../../src/connectors/shared/resilience/index.js';
import { createTikTokConfig, createTikTokConnector } from '../../../src/connectors/tiktok/index.js';
import { startTikTokSandbox, type SeededSeller, type TikTokSandbox } from '../../../src/sandbox/tiktok/index.js';
import type { FootwearModel, MarketplaceDriver } from '../drivers.js';
import { changeLastDigit } from '../tamper.js';
import { startWebhookReceiver, type WebhookReceiver } from '../webhook-receiver.js';
import { testLogger } from '../../support/logger.js';

const APP_KEY = '6c0a7e1b2d3f9';
const APP_SECRET = 'contract-tiktok-secret-0123456789abcdef';
const SERVICE_ID = '7172000000000070199';
const REDIRECT_URI = 'https://app.example.test/oauth/tiktok/callback';
const SEARCH_PATH = '/product/202312/products/search';
/** Products per search page, small so that the contract catalog spans several pages. */
const IMPORT_PAGE_SIZE = 10;

interface SkuLocation {
  productId: string;
  skuId: string;
}

/** TikTok Shop: OAuth without PKCE and an unsigned redirect, signed Open API calls, signed webhooks. */
export function createTikTokDriver(): MarketplaceDriver {
  let sandbox: TikTokSandbox | undefined;
  let receiver: WebhookReceiver | undefined;
  let connector: MarketplaceConnector | undefined;
  let seller: SeededSeller | undefined;
  const skus = new Map<string, SkuLocation>();

  const requireSandbox = (): TikTokSandbox => {
    if (!sandbox) throw new Error('TikTok driver: call start() first.');
    return sandbox;
  };
  const requireShop = (): { openId: string; shopId: string; productIds: string[] } => {
    const shop = seller?.shops[0];
    if (!seller || !shop) throw new Error('TikTok driver: call seed() first.');
    return { openId: seller.openId, shopId: shop.shopId, productIds: shop.productIds };
  };
  const locate = (sku: string): SkuLocation => {
    const location = skus.get(sku);
    if (!location) throw new Error(`TikTok driver: SKU ${sku} was not seeded.`);
    return location;
  };

  return {
    name: 'TikTok Shop',
    marketplace: 'TIKTOK',
    // TikTok signs nothing on the redirect back to the app, so the state check is the protection.
    capabilities: { signedCallback: false, signedWebhooks: true, refreshTokens: true },
    accessTokenPattern: /^ROW_[A-Za-z0-9_-]{40}$/,
    orderTopic: 'ORDER_STATUS_CHANGE',
    stockEditTopic: 'INVENTORY_STATUS_CHANGE',
    appSecrets: [APP_SECRET],
    get webhooks(): WebhookReceiver {
      if (!receiver) throw new Error('TikTok driver: call start() first.');
      return receiver;
    },

    async start() {
      receiver = await startWebhookReceiver();
      sandbox = await startTikTokSandbox({
        apps: [{ appKey: APP_KEY, appSecret: APP_SECRET, serviceId: SERVICE_ID, redirectUrl: REDIRECT_URI, webhookUrl: `${receiver.url}/webhooks/tiktok` }],
        ratePerSecond: 1000,
        webhookRetryDelaysMs: [20, 20],
        logger: testLogger(),
      });
      const config = createTikTokConfig({
        appKey: APP_KEY,
        appSecret: APP_SECRET,
        serviceId: SERVICE_ID,
        redirectUri: REDIRECT_URI,
        authorizeUrl: `${sandbox.url}/open/authorize`,
        authBaseUrl: sandbox.url,
        apiBaseUrl: sandbox.url,
      });
      // One attempt per call, so each case gets the response it set up; test/resilience covers retries.
      connector = createTikTokConnector(config, { importPageSize: IMPORT_PAGE_SIZE, resilience: new ResiliencePolicy({ maxAttempts: 1 }) });
    },

    async close() {
      await sandbox?.close();
      await receiver?.close();
    },

    connector() {
      if (!connector) throw new Error('TikTok driver: call start() first.');
      return connector;
    },

    seed(models: readonly FootwearModel[]) {
      const store = requireSandbox();
      seller = store.seedSeller({
        sellerName: 'Zapatería Contrato',
        shops: [
          {
            name: 'ZAPATERIA_CONTRATO_MX',
            products: models.map((model) => ({
              title: model.title,
              skus: model.sizes.map((size) => ({ sellerSku: size.sku, size: size.size, color: model.color, price: model.price, quantity: size.quantity })),
            })),
          },
        ],
      });
      const { productIds } = requireShop();
      models.forEach((model, index) => {
        const productId = productIds[index] ?? '';
        const product = store.getProduct(productId);
        model.sizes.forEach((size, position) => skus.set(size.sku, { productId, skuId: product?.skus[position]?.id ?? '' }));
      });
    },

    accountId: () => requireShop().shopId,
    shopDomain: () => undefined,
    consentSelection: () => ({ open_id: requireShop().openId }),

    issueCallback({ state }) {
      return { code: requireSandbox().issueAuthorizationCode({ appKey: APP_KEY, openId: requireShop().openId }), state };
    },

    tamperWebhookBody: changeLastDigit,

    requestCount: () => requireSandbox().requests.length,

    // The sandbox serves no inventory search, so the connector reads one product per call.
    stockReadBatchSize: 1,

    stockReadRequestSizes: (since) =>
      requireSandbox()
        .requests.slice(since)
        .filter((request) => request.method === 'GET' && /^\/product\/202309\/products\/\d+$/.test(request.path))
        .map(() => 1),

    unknownStockRefs: (listing): StockRef[] => [
      { externalId: '999999999999999999', externalVariantId: '999999999999999999' },
      { externalId: listing.externalId, externalVariantId: '999999999999999998' },
    ],

    injectMalformedStockRead(listing) {
      const product = requireSandbox().getProduct(listing.externalId);
      const broken = { ...product, skus: [{ ...product?.skus[0], inventory: 'many' }] };
      requireSandbox().injectFault({
        method: 'GET',
        path: `/product/202309/products/${listing.externalId}`,
        status: 200,
        body: { code: 0, message: 'Success', request_id: '20260510120000ABCDEF0123456789ABCDEF', data: broken },
      });
      return 'data.skus[0].inventory';
    },

    readStock(sku) {
      const { productId, skuId } = locate(sku);
      const found = requireSandbox().getProduct(productId)?.skus.find((candidate) => candidate.id === skuId);
      if (!found) throw new Error(`TikTok sandbox has no SKU ${skuId} on product ${productId}.`);
      return found.inventory.reduce((total, entry) => total + entry.quantity, 0);
    },

    setStockManually(sku, quantity) {
      const { productId, skuId } = locate(sku);
      requireSandbox().setSkuStock(productId, skuId, quantity);
    },

    createOrder(sku, quantity) {
      const { productId, skuId } = locate(sku);
      return requireSandbox().createOrder({ shopId: requireShop().shopId, lines: [{ productId, skuId, quantity }] }).id;
    },

    expireTokens: () => requireSandbox().expireAccessTokens(requireShop().openId),
    revokeAuthorization: () => requireSandbox().revokeAuthorization(requireShop().openId, APP_KEY),

    forceThrottle() {
      // The sandbox's limiter counts requests per wall-clock second, so it cannot throttle one chosen
      // call. Without a body, the fault responds with TikTok's 429 body (code 36009002).
      requireSandbox().injectFault({ status: 429 });
    },

    injectStatus: (status) => requireSandbox().injectFault({ status }),

    injectMalformedImport() {
      const product = requireSandbox().getProduct(requireShop().productIds[0] ?? '');
      const broken = { ...product, skus: [{ ...product?.skus[0], inventory: 'many' }] };
      requireSandbox().injectFault({
        method: 'POST',
        path: SEARCH_PATH,
        status: 200,
        body: { code: 0, message: 'Success', request_id: '20260510120000ABCDEF0123456789ABCDEF', data: { products: [broken], next_page_token: '', total_count: 1 } },
      });
      return 'data.products[0].skus[0].inventory';
    },

    rejectStockChange(listing: RemoteListing, quantity: number): StockChange {
      // TikTok rejects inventory updates of a SKU that is not live, in `data.errors` of a code-0 response.
      requireSandbox().setSkuLive(listing.externalId, listing.externalVariantId ?? '', false);
      return { externalId: listing.externalId, externalVariantId: listing.externalVariantId, quantity };
    },

    flushWebhooks: () => requireSandbox().webhooks.flush(),

    resetFaults() {
      requireSandbox().clearFaults();
      requireSandbox().setRatePerSecond(1000);
    },
  };
}
