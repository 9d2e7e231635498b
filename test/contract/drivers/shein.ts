import { z } from 'zod';
import type { MarketplaceConnector, RemoteListing, StockChange, StockRef } from '../../../src/connectors/shared/index.js';
import { ResiliencePolicy } from '../../../src/connectors/shared/resilience/index.js';
import { createSheinConfig, createSheinConnector } from '../../../src/connectors/shein/index.js';
import { startSheinSandbox, type SheinSandbox } from '../../../src/sandbox/shein/index.js';
import type { FootwearModel, MarketplaceDriver } from '../drivers.js';
import { startWebhookReceiver, type WebhookReceiver } from '../webhook-receiver.js';
import { testLogger } from '../../support/logger.js';

const APP_ID = '4B1E7C0A9D2F36588C1A0E3F5B7D9';
const APP_SECRET = '9E4D2C7B1A0F3E5D6C8B7A9F0E1D2C3B';
const REDIRECT_URI = 'https://app.example.test/oauth/shein/callback';
/** SHEIN signs event callbacks over the receiving path, so it must equal the connector's webhookPath. */
const WEBHOOK_PATH = '/webhooks/shein';
const PRODUCT_QUERY_PATH = '/open-api/openapi-business-backend/product/query';
const STOCK_QUERY_PATH = '/open-api/stock/stock-query';
const stockQueryRequestSchema = z.object({ skuCodeList: z.array(z.string()) });
/** SPUs per product query page, small so that the contract catalog spans several pages. */
const IMPORT_PAGE_SIZE = 10;
/** Spacing that rejects every call after the first accepted one, for the length of a test run. */
const THROTTLING_SPACING_MS = 10 * 60 * 1000;

/**
 * SHEIN: the empower flow (a tempToken instead of an OAuth code, no refresh), calls signed with the
 * seller's key, and event callbacks with AES-encrypted bodies.
 */
export function createSheinDriver(): MarketplaceDriver {
  let sandbox: SheinSandbox | undefined;
  let receiver: WebhookReceiver | undefined;
  let connector: MarketplaceConnector | undefined;
  let supplierId: number | undefined;
  const skuCodes = new Map<string, string>();

  const requireSandbox = (): SheinSandbox => {
    if (!sandbox) throw new Error('SHEIN driver: call start() first.');
    return sandbox;
  };
  const requireSupplier = (): number => {
    if (supplierId === undefined) throw new Error('SHEIN driver: call seed() first.');
    return supplierId;
  };
  const skuCodeOf = (sku: string): string => {
    const code = skuCodes.get(sku);
    if (!code) throw new Error(`SHEIN driver: SKU ${sku} was not seeded.`);
    return code;
  };

  return {
    name: 'SHEIN',
    marketplace: 'SHEIN',
    // The empower redirect is unsigned (only its appid is compared), and SHEIN keys last until the
    // seller removes the authorization, so there is nothing to refresh.
    capabilities: { signedCallback: false, signedWebhooks: true, refreshTokens: false },
    accessTokenPattern: /^[0-9A-F]{32}$/,
    orderTopic: 'order',
    stockEditTopic: 'stock',
    appSecrets: [APP_SECRET],
    get webhooks(): WebhookReceiver {
      if (!receiver) throw new Error('SHEIN driver: call start() first.');
      return receiver;
    },

    async start() {
      receiver = await startWebhookReceiver();
      sandbox = await startSheinSandbox({
        apps: [{ appId: APP_ID, appSecret: APP_SECRET, redirectUrls: [REDIRECT_URI], webhookUrl: `${receiver.url}${WEBHOOK_PATH}` }],
        requestSpacingMs: 0,
        webhookRetryDelayMs: 20,
        logger: testLogger(),
      });
      const config = createSheinConfig({
        appId: APP_ID,
        appSecret: APP_SECRET,
        redirectUri: REDIRECT_URI,
        empowerBaseUrl: `${sandbox.url}/empower`,
        apiBaseUrl: sandbox.url,
        webhookPath: WEBHOOK_PATH,
      });
      // One attempt per call, so each case gets the response it set up; test/resilience covers retries.
      connector = createSheinConnector(config, { importPageSize: IMPORT_PAGE_SIZE, resilience: new ResiliencePolicy({ maxAttempts: 1 }) });
    },

    async close() {
      await sandbox?.close();
      await receiver?.close();
    },

    connector() {
      if (!connector) throw new Error('SHEIN driver: call start() first.');
      return connector;
    },

    seed(models: readonly FootwearModel[]) {
      const seeded = requireSandbox().seedSeller({
        name: 'ZAPATERIA_CONTRATO',
        products: models.map((model) => ({
          title: model.title,
          price: model.price,
          skcs: [{ color: model.color, sizes: model.sizes.map((size) => ({ size: size.size, sellerSku: size.sku, quantity: size.quantity })) }],
        })),
      });
      supplierId = seeded.supplierId;
      // SKU codes come in seed order: products, then colours, then sizes.
      models
        .flatMap((model) => model.sizes)
        .forEach((size, index) => skuCodes.set(size.sku, seeded.skuCodes[index] ?? ''));
    },

    accountId: () => String(requireSupplier()),
    shopDomain: () => undefined,
    consentSelection: () => ({ supplierId: String(requireSupplier()) }),

    issueCallback({ state }) {
      const tempToken = requireSandbox().issueAuthorizationCode({ appId: APP_ID, supplierId: requireSupplier(), state });
      return { appid: APP_ID, tempToken, state };
    },

    tamperWebhookBody: flipFirstCiphertextByte,

    requestCount: () => requireSandbox().requests.length,

    // The connector sends at most 100 SKU codes per stock query, as its stock write does.
    stockReadBatchSize: 100,

    stockReadRequestSizes: (since) =>
      requireSandbox()
        .requests.slice(since)
        .flatMap((request) => {
          const parsed = stockQueryRequestSchema.safeParse(request.body);
          return request.path === STOCK_QUERY_PATH && parsed.success ? [parsed.data.skuCodeList.length] : [];
        }),

    unknownStockRefs: (listing): StockRef[] => [
      { externalId: 'z99999999999', externalVariantId: 'I99999999999999999' },
      { externalId: listing.externalId, externalVariantId: 'I99999999999999998' },
    ],

    injectMalformedStockRead(listing) {
      const skuList = [{ skuCode: listing.externalVariantId, totalUsableInventory: 'many' }];
      requireSandbox().injectFault({
        path: STOCK_QUERY_PATH,
        status: 200,
        body: { code: '0', msg: 'OK', info: [{ goodsInventory: [{ skcName: 'sk0', skuList }] }], traceId: '0f1e2d3c4b5a69788796a5b4c3d2e1f0' },
      });
      return 'info[0].goodsInventory[0].skuList[0].totalUsableInventory';
    },

    readStock(sku) {
      const found = requireSandbox().getSku(skuCodeOf(sku));
      if (!found) throw new Error(`SHEIN sandbox has no SKU ${skuCodeOf(sku)}.`);
      return found.usable;
    },

    setStockManually: (sku, quantity) => requireSandbox().setStock(skuCodeOf(sku), quantity),

    createOrder: (sku, quantity) => requireSandbox().createOrder({ supplierId: requireSupplier(), lines: [{ skuCode: skuCodeOf(sku), quantity }] }).orderNo,

    expireTokens: () => requireSandbox().expireAccessTokens(requireSupplier()),
    revokeAuthorization: () => requireSandbox().revokeAuthorization(requireSupplier(), APP_ID),

    // The sandbox's real limiter: after one accepted call, every call within the spacing gets 832213.
    forceThrottle: () => requireSandbox().setRequestSpacing(THROTTLING_SPACING_MS),

    injectStatus: (status) => requireSandbox().injectFault({ status }),

    injectMalformedImport() {
      requireSandbox().injectFault({ path: PRODUCT_QUERY_PATH, status: 200, body: { code: '0', msg: 'OK', info: { data: [] }, traceId: '0f1e2d3c4b5a69788796a5b4c3d2e1f0' } });
      return 'info.meta';
    },

    rejectStockChange(listing: RemoteListing, quantity: number): StockChange {
      // SHEIN rejects rows one by one in `failedList`, and the sandbox rejects only SKU codes it does
      // not know (a size removed from SHEIN since the last import), so the change names such a code.
      return { externalId: listing.externalId, externalVariantId: 'I99999999999999999', quantity };
    },

    flushWebhooks: () => requireSandbox().webhooks.flush(),

    resetFaults() {
      requireSandbox().clearFaults();
      requireSandbox().setRequestSpacing(0);
    },
  };
}

/**
 * Changes the first byte of the AES-CBC ciphertext in `eventData`. SHEIN's signature covers only the
 * appid, path and timestamp, so the body is protected by the encryption alone: this byte garbles the
 * first 16 bytes of the decrypted JSON.
 */
function flipFirstCiphertextByte(rawBody: string): string {
  const form = new URLSearchParams(rawBody);
  const eventData = form.get('eventData');
  if (eventData === null) throw new Error('SHEIN webhook body has no eventData field.');
  const bytes = Buffer.from(eventData, 'base64');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  form.set('eventData', bytes.toString('base64'));
  return form.toString();
}
