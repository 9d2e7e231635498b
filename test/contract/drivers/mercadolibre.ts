import { createMercadoLibreConfig, createMercadoLibreConnector } from '../../../src/connectors/mercadolibre/index.js';
import type { MarketplaceConnector, RemoteListing, StockChange, StockRef } from '../../../src/connectors/shared/index.js';
import { ResiliencePolicy } from '../../../src/connectors/shared/resilience/index.js';
import { startMercadoLibreSandbox, type MercadoLibreSandbox } from '../../../src/sandbox/mercadolibre/index.js';
import type { FootwearModel, MarketplaceDriver } from '../drivers.js';
import { startWebhookReceiver, type WebhookReceiver } from '../webhook-receiver.js';
import { testLogger } from '../../support/logger.js';

const CLIENT_ID = '4444555566667777';
const CLIENT_SECRET = 'contract-mercadolibre-secret-0123456789';
const REDIRECT_URI = 'https://app.example.test/oauth/mercadolibre/callback';
/** Items per search page, small so that the contract catalog spans several pages. */
const IMPORT_PAGE_SIZE = 10;

interface SkuLocation {
  itemId: string;
  variationId: number;
}

/** MercadoLibre (site MLM): OAuth 2.0 with PKCE, unsigned notifications, one item per model. */
export function createMercadoLibreDriver(): MarketplaceDriver {
  let sandbox: MercadoLibreSandbox | undefined;
  let receiver: WebhookReceiver | undefined;
  let connector: MarketplaceConnector | undefined;
  let userId: number | undefined;
  const skus = new Map<string, SkuLocation>();

  const requireSandbox = (): MercadoLibreSandbox => {
    if (!sandbox) throw new Error('MercadoLibre driver: call start() first.');
    return sandbox;
  };
  const requireUser = (): number => {
    if (userId === undefined) throw new Error('MercadoLibre driver: call seed() first.');
    return userId;
  };
  const locate = (sku: string): SkuLocation => {
    const location = skus.get(sku);
    if (!location) throw new Error(`MercadoLibre driver: SKU ${sku} was not seeded.`);
    return location;
  };

  return {
    name: 'MercadoLibre',
    marketplace: 'MERCADOLIBRE',
    // MercadoLibre signs neither the redirect nor its notifications, so the state check and fetching
    // the resource with the seller's token are the protections.
    capabilities: { signedCallback: false, signedWebhooks: false, refreshTokens: true },
    accessTokenPattern: /^APP_USR-\d+-\d{6}-[0-9a-f]{32}-\d+$/,
    orderTopic: 'orders_v2',
    stockEditTopic: 'items',
    appSecrets: [CLIENT_SECRET],
    get webhooks(): WebhookReceiver {
      if (!receiver) throw new Error('MercadoLibre driver: call start() first.');
      return receiver;
    },

    async start() {
      receiver = await startWebhookReceiver();
      sandbox = await startMercadoLibreSandbox({
        apps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI], requirePkce: true, notificationUrl: `${receiver.url}/webhooks/mercadolibre` }],
        ratePerSecond: 1000,
        notificationRetryDelayMs: 20,
        logger: testLogger(),
      });
      const config = createMercadoLibreConfig({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, authBaseUrl: sandbox.url, apiBaseUrl: sandbox.url });
      // One attempt per call, so each case gets the response it set up; test/resilience covers retries.
      connector = createMercadoLibreConnector(config, { importPageSize: IMPORT_PAGE_SIZE, resilience: new ResiliencePolicy({ maxAttempts: 1 }) });
    },

    async close() {
      await sandbox?.close();
      await receiver?.close();
    },

    connector() {
      if (!connector) throw new Error('MercadoLibre driver: call start() first.');
      return connector;
    },

    seed(models: readonly FootwearModel[]) {
      const store = requireSandbox();
      const seeded = store.seedSeller({
        nickname: 'ZAPATERIA_CONTRATO',
        items: models.map((model) => ({
          title: model.title,
          price: model.price,
          brand: 'EGDC',
          variations: model.sizes.map((size) => ({ sellerSku: size.sku, size: size.size, color: model.color, price: model.price, availableQuantity: size.quantity })),
        })),
      });
      userId = seeded.userId;
      models.forEach((model, index) => {
        const itemId = seeded.itemIds[index] ?? '';
        const variations = store.getItem(itemId)?.variations ?? [];
        model.sizes.forEach((size, position) => skus.set(size.sku, { itemId, variationId: variations[position]?.id ?? -1 }));
      });
    },

    accountId: () => String(requireUser()),
    shopDomain: () => undefined,
    consentSelection: () => ({ user_id: String(requireUser()) }),

    issueCallback({ state, codeChallenge }) {
      const code = requireSandbox().issueAuthorizationCode({ clientId: CLIENT_ID, userId: requireUser(), redirectUri: REDIRECT_URI, codeChallenge });
      return { code, state };
    },

    tamperWebhookBody: (rawBody) => rawBody.replace(/"resource":"\/orders\/(\d+)"/, '"resource":"/orders/1$1"'),

    requestCount: () => requireSandbox().requests.length,

    // The item multiget takes at most 20 ids.
    stockReadBatchSize: 20,

    stockReadRequestSizes: (since) =>
      requireSandbox()
        .requests.slice(since)
        .filter((request) => request.method === 'GET' && request.path === '/items')
        .map((request) => (request.query.ids ?? '').split(',').length),

    unknownStockRefs: (listing): StockRef[] => [
      { externalId: 'MLM999999999', externalVariantId: '999999999' },
      { externalId: listing.externalId, externalVariantId: '999999998' },
    ],

    injectMalformedStockRead(listing) {
      const item = structuredClone(requireSandbox().getItem(listing.externalId));
      if (!item) throw new Error(`MercadoLibre sandbox has no item ${listing.externalId}.`);
      requireSandbox().injectFault({ method: 'GET', path: '/items', status: 200, body: [{ code: 200, body: { ...item, available_quantity: 'many' } }] });
      return '[0].body.available_quantity';
    },

    readStock(sku) {
      const { itemId, variationId } = locate(sku);
      const variation = requireSandbox().getItem(itemId)?.variations.find((candidate) => candidate.id === variationId);
      if (!variation) throw new Error(`MercadoLibre sandbox has no variation ${variationId} on item ${itemId}.`);
      return variation.available_quantity;
    },

    setStockManually(sku, quantity) {
      const { itemId, variationId } = locate(sku);
      requireSandbox().setVariationStock(itemId, variationId, quantity);
    },

    createOrder(sku, quantity) {
      const { itemId, variationId } = locate(sku);
      return String(requireSandbox().createOrder({ sellerId: requireUser(), lines: [{ itemId, variationId, quantity }] }).id);
    },

    expireTokens: () => requireSandbox().expireAccessTokens(requireUser()),
    revokeAuthorization: () => requireSandbox().revokeAuthorization(requireUser(), CLIENT_ID),

    forceThrottle() {
      // The sandbox's own limiter counts requests per wall-clock second, so it cannot throttle one
      // chosen call. The fault sends the body and header that the limiter sends.
      requireSandbox().injectFault({
        status: 429,
        headers: { 'retry-after': '1' },
        body: { message: 'local_rate_limited', error: 'local_rate_limited', status: 429, cause: [] },
      });
    },

    injectStatus: (status) => requireSandbox().injectFault({ status }),

    injectMalformedImport() {
      const path = `/users/${requireUser()}/items/search`;
      requireSandbox().injectFault({ method: 'GET', path, status: 200, body: { seller_id: String(requireUser()), results: [], paging: { offset: 0, limit: IMPORT_PAGE_SIZE } } });
      return 'paging.total';
    },

    rejectStockChange(listing: RemoteListing, quantity: number): StockChange {
      // MercadoLibre responds 400 to an update of an item under review, whatever the quantity.
      requireSandbox().injectFault({
        method: 'PUT',
        path: `/items/${listing.externalId}`,
        status: 400,
        body: {
          message: 'Item is not modifiable',
          error: 'validation_error',
          status: 400,
          cause: [{ code: 'item.not_modifiable', message: 'Item under review', type: 'error', references: ['item.status'] }],
        },
      });
      return { externalId: listing.externalId, externalVariantId: listing.externalVariantId, quantity };
    },

    flushWebhooks: () => requireSandbox().notifications.flush(),

    resetFaults() {
      requireSandbox().clearFaults();
      requireSandbox().setRatePerSecond(1000);
    },
  };
}
