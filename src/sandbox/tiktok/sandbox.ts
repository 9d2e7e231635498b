import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import * as catalog from './catalog.js';
import { notifyShop, WEBHOOK_TYPES, type SandboxContext } from './context.js';
import { CredentialStore } from './credentials.js';
import { FaultInjector } from '../shared/faults.js';
import { createOrder } from './orders.js';
import { RateLimiter } from './rate-limit.js';
import { RequestRecorder } from '../shared/recorder.js';
import { buildSandboxServer } from './server.js';
import { SandboxStore } from './store.js';
import type { TikTokSandbox, TikTokSandboxOptions } from './types.js';
import { WebhookNotifier } from './webhooks.js';

const DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  ratePerSecond: 50,
  accessTokenTtlSeconds: 7 * 24 * 3600,
  authorizationTtlSeconds: 365 * 24 * 3600,
  // TikTok retries 2 min after the first attempt, then 30 min, 3 h and 12 h after each retry.
  webhookRetryDelaysMs: [2 * 60_000, 30 * 60_000, 3 * 3_600_000, 12 * 3_600_000],
  webhookTimeoutMs: 3_000,
} as const;

function formatUrl(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** Starts a local TikTok Shop (authorization page, token host and Open API) and returns its controls. */
export async function startTikTokSandbox(options: TikTokSandboxOptions = {}): Promise<TikTokSandbox> {
  const logger = (options.logger ?? pino({ level: 'info' })).child({ component: 'tiktok-sandbox' });
  const store = new SandboxStore();
  const notifier = new WebhookNotifier({
    retryDelaysMs: options.webhookRetryDelaysMs ?? DEFAULTS.webhookRetryDelaysMs,
    timeoutMs: options.webhookTimeoutMs ?? DEFAULTS.webhookTimeoutMs,
    logger,
  });
  const context: SandboxContext = {
    store,
    credentials: new CredentialStore({
      accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? DEFAULTS.accessTokenTtlSeconds,
      authorizationTtlSeconds: options.authorizationTtlSeconds ?? DEFAULTS.authorizationTtlSeconds,
    }),
    notifier,
    rateLimiter: new RateLimiter(options.ratePerSecond ?? DEFAULTS.ratePerSecond),
    rawBodies: new WeakMap(),
    logger,
  };
  const controls = { recorder: new RequestRecorder(), faults: new FaultInjector() };
  for (const app of options.apps ?? []) store.addApp(app);

  const server = buildSandboxServer(context, controls);
  await server.listen({ host: options.host ?? DEFAULTS.host, port: options.port ?? DEFAULTS.port });
  const address = server.server.address();
  if (address === null || typeof address === 'string') {
    await server.close();
    throw new Error(`TikTok Shop sandbox listened on an unexpected address: ${String(address)}`);
  }
  const url = formatUrl(address);
  logger.info({ url }, 'TikTok Shop sandbox started');

  let closed = false;
  return {
    url,
    requests: controls.recorder.requests,
    addApp: (app) => {
      store.addApp(app);
    },
    seedSeller: (input) => catalog.seedSeller(store, input, new Date()),
    getProduct: (productId) => {
      const record = store.products.get(productId);
      return record ? structuredClone(record.product) : undefined;
    },
    getOrder: (orderId) => {
      const record = store.orders.get(orderId);
      return record ? structuredClone(record.order) : undefined;
    },
    setSkuStock: (productId, skuId, quantity, warehouseId) => {
      const { record, sku } = catalog.setSkuStock(store, productId, skuId, quantity, warehouseId, new Date());
      const total = catalog.totalQuantity(sku);
      notifyShop(context, record.shopId, WEBHOOK_TYPES.inventoryStatusChange, {
        product_id: productId,
        sku_id: skuId,
        trigger_reason: { alert_type: 'REALTIME', low_stock_threshold: 0 },
        current_inventory_status: total > 0 ? 'IN_STOCK' : 'OUT_OF_STOCK',
        inventory_distribution: { total_quantity: total, available_quantity: total, creator_reserved_quantity: 0, campaign_reserved_quantity: 0, committed_quantity: 0 },
        update_time: record.product.update_time,
      });
    },
    setProductStatus: (productId, status) => {
      const record = catalog.setProductStatus(store, productId, status, new Date());
      // TikTok's example sends this product_id as a bare JSON number.
      notifyShop(
        context,
        record.shopId,
        WEBHOOK_TYPES.productStatusChange,
        { product_id: productId, status: 'PRODUCT_STATUS_CHANGED', suspended_reason: '', update_time: record.product.update_time },
        { numericIdFields: ['product_id'] },
      );
    },
    setSkuLive: (productId, skuId, live) => catalog.setSkuLive(store, productId, skuId, live),
    createOrder: (input) => {
      const order = createOrder(store, input, new Date());
      notifyShop(context, input.shopId, WEBHOOK_TYPES.orderStatusChange, {
        order_id: order.id,
        order_status: order.status,
        is_on_hold_order: order.status === 'ON_HOLD',
        update_time: order.update_time,
      });
      return structuredClone(order);
    },
    issueAuthorizationCode: ({ appKey, openId }) => {
      const app = store.apps.get(appKey);
      if (!app) throw new Error(`issueAuthorizationCode: app ${appKey} is not registered; add it with addApp() first.`);
      if (!store.sellers.has(openId)) throw new Error(`issueAuthorizationCode: seller ${openId} not found; seed it with seedSeller() first.`);
      return context.credentials.issueCode(app, openId, Date.now());
    },
    expireAccessTokens: (openId) => context.credentials.expireAccessTokens(openId, Date.now()),
    revokeAuthorization: (openId, appKey) => {
      const removed = context.credentials.revoke(openId, appKey);
      const timestamp = Math.floor(Date.now() / 1000);
      for (const shopId of store.sellers.get(openId)?.shopIds ?? []) {
        notifyShop(context, shopId, WEBHOOK_TYPES.sellerDeauthorization, { message: 'The seller removed the authorization of the app.', update_time: timestamp }, { appKeys: removed });
      }
    },
    injectFault: (rule) => controls.faults.add(rule),
    clearFaults: () => controls.faults.clear(),
    setRatePerSecond: (n) => context.rateLimiter.setRate(n),
    peakRequestsPerSecond: () => context.rateLimiter.arrivals.peak,
    webhooks: {
      sent: notifier.sent,
      failed: notifier.failed,
      pending: () => notifier.pending(),
      flush: () => notifier.flush(),
    },
    close: async () => {
      if (closed) return;
      closed = true;
      notifier.close();
      await server.close();
      logger.info({ url }, 'TikTok Shop sandbox stopped');
    },
  };
}
