import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { seedShop } from './catalog.js';
import { emitWebhook, type SandboxContext } from './context.js';
import { CredentialStore } from './credentials.js';
import { FaultInjector } from '../shared/faults.js';
import { BulkOperations } from './graphql/bulk.js';
import { runDocument } from './graphql/endpoint.js';
import { IdempotencyStore } from './graphql/idempotency.js';
import { buildAdminSchema } from './graphql/schema.js';
import { parseGid } from './gid.js';
import { InventoryLedger, MAX_QUANTITY } from './inventory.js';
import { callbackUrl, checkAuthorizeRequest, KNOWN_SCOPES, signedCallbackQuery } from './oauth.js';
import { cancelOrder, createOrder, toSandboxOrder } from './orders.js';
import { inventoryLevelPayload, productPayload, shopPayload } from './payloads.js';
import { RequestRecorder } from '../shared/recorder.js';
import { buildSandboxServer } from './server.js';
import { SandboxStore } from './store.js';
import { CostBuckets } from './throttle.js';
import type { ShopifySandbox, ShopifySandboxOptions } from './types.js';
import { WebhookSender } from './webhooks.js';

const DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  accessTokenTtlSeconds: 3600,
  refreshTokenTtlSeconds: 90 * 24 * 3600,
  webhookMaxAttempts: 9,
  webhookRetryDelayMs: 1000,
  bulkOperationDelayMs: 0,
} as const;

function formatUrl(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/**
 * Starts a local Shopify: OAuth install pages and token endpoint, the GraphQL Admin API with its
 * cost-based throttling, bulk operations and signed webhooks. Every shop is served on this one
 * server under `/shops/{shopDomain}`, which stands for `https://{shopDomain}`.
 */
export async function startShopifySandbox(options: ShopifySandboxOptions = {}): Promise<ShopifySandbox> {
  const logger = (options.logger ?? pino({ level: 'info' })).child({ component: 'shopify-sandbox' });
  const schema = buildAdminSchema();
  const context: SandboxContext = {
    store: new SandboxStore(),
    credentials: new CredentialStore({
      accessTokenSeconds: options.accessTokenTtlSeconds ?? DEFAULTS.accessTokenTtlSeconds,
      refreshTokenSeconds: options.refreshTokenTtlSeconds ?? DEFAULTS.refreshTokenTtlSeconds,
    }),
    ledger: new InventoryLedger(),
    buckets: new CostBuckets(options.throttle),
    bulk: new BulkOperations({
      schema,
      run: (requestContext, document) => runDocument(requestContext, document),
      delayMs: options.bulkOperationDelayMs ?? DEFAULTS.bulkOperationDelayMs,
      baseUrl: () => context.baseUrl,
      logger,
    }),
    idempotency: new IdempotencyStore(),
    webhooks: new WebhookSender({
      maxAttempts: options.webhookMaxAttempts ?? DEFAULTS.webhookMaxAttempts,
      retryDelayMs: options.webhookRetryDelayMs ?? DEFAULTS.webhookRetryDelayMs,
      logger,
    }),
    schema,
    logger,
    baseUrl: '',
  };
  const controls = { recorder: new RequestRecorder(), faults: new FaultInjector() };
  for (const app of options.apps ?? []) context.credentials.addApp(app);

  const server = buildSandboxServer(context, controls);
  await server.listen({ host: options.host ?? DEFAULTS.host, port: options.port ?? DEFAULTS.port });
  const address = server.server.address();
  if (address === null || typeof address === 'string') {
    await server.close();
    throw new Error(`Shopify sandbox listened on an unexpected address: ${String(address)}`);
  }
  const url = formatUrl(address);
  context.baseUrl = url;
  logger.info({ url }, 'Shopify sandbox started');

  const { store, ledger } = context;
  const requireVariant = (variantId: string) => {
    const id = parseGid(variantId, 'ProductVariant');
    const found = id === undefined ? undefined : store.variantContext(id);
    if (!found) throw new Error(`Variant ${variantId} not found in the sandbox; use an id returned by seedShop().`);
    return found;
  };
  const locationOf = (shopDomain: string, locationId: string | undefined): number => {
    const shop = store.shops.get(shopDomain);
    const id = locationId === undefined ? shop?.locations[0]?.id : parseGid(locationId, 'Location');
    if (id === undefined || !shop?.locations.some((location) => location.id === id)) {
      throw new Error(`Location ${locationId ?? '(primary)'} not found on ${shopDomain}.`);
    }
    return id;
  };

  let closed = false;
  return {
    url,
    requests: controls.recorder.requests,
    inventoryChanges: ledger.changes,
    endpointForShop: (shopDomain) => `${url}/shops/${shopDomain}`,
    addApp: (app) => {
      context.credentials.addApp(app);
    },
    seedShop: (input) => seedShop(store, input, new Date()),
    getAvailable: (variantId, locationId) => {
      const found = requireVariant(variantId);
      return ledger.available(found.item, locationOf(found.shop.domain, locationId));
    },
    getOrder: (orderId) => {
      const id = parseGid(orderId, 'Order');
      const order = id === undefined ? undefined : store.orders.get(id);
      return order ? toSandboxOrder(order) : undefined;
    },
    setAvailable: (variantId, quantity, locationId) => {
      if (!Number.isInteger(quantity) || quantity < 0 || quantity > MAX_QUANTITY) {
        throw new Error(`Invalid quantity ${quantity} for ${variantId}: use a whole number from 0 to ${MAX_QUANTITY}.`);
      }
      const found = requireVariant(variantId);
      const location = locationOf(found.shop.domain, locationId);
      const now = new Date();
      ledger.set(found.item, location, 'available', quantity, { reason: 'correction', source: 'manual' }, now);
      found.product.updatedAt = now.toISOString();
      emitWebhook(context, found.shop.domain, 'inventory_levels/update', inventoryLevelPayload(found.item, location));
      emitWebhook(context, found.shop.domain, 'products/update', productPayload(store, found.product));
    },
    createOrder: (input) => toSandboxOrder(createOrder(context, input, new Date())),
    cancelOrder: (orderId) => toSandboxOrder(cancelOrder(context, orderId, new Date())),
    issueAuthorizationCode: (input) => {
      const fields: Record<string, string | undefined> = {
        client_id: input.clientId,
        redirect_uri: input.redirectUri,
        scope: (input.scopes ?? KNOWN_SCOPES).join(','),
        state: input.state,
      };
      const check = checkAuthorizeRequest(context, input.shopDomain, (name) => fields[name]);
      if (!check.ok) throw new Error(`issueAuthorizationCode: ${check.message.en}`);
      const now = new Date();
      const valid = check.request;
      const code = context.credentials.issueCode(valid.app, valid.shop.domain, valid.redirectUri, valid.scopes, now.getTime());
      const callbackQuery = signedCallbackQuery(valid, { code }, now);
      return { code, callbackQuery, callbackUrl: callbackUrl(valid.redirectUri, callbackQuery) };
    },
    expireAccessTokens: (shopDomain) => context.credentials.expireAccessTokens(shopDomain, Date.now()),
    revokeAuthorization: (shopDomain, clientId) => context.credentials.revoke(shopDomain, clientId),
    uninstallApp: (shopDomain, clientId) => {
      const shop = store.shops.get(shopDomain);
      const installed = context.credentials.installedApps(shopDomain).find(({ app }) => app.clientId === clientId);
      if (shop && installed) context.webhooks.emit([installed.app], shopDomain, 'app/uninstalled', shopPayload(shop));
      context.credentials.revoke(shopDomain, clientId);
    },
    injectFault: (rule) => controls.faults.add(rule),
    clearFaults: () => controls.faults.clear(),
    setThrottle: (settings) => context.buckets.setSettings(settings),
    throttledCount: () => context.buckets.throttledCount,
    setBucketAvailable: (shopDomain, clientId, points) => {
      const shop = store.shops.get(shopDomain);
      if (!shop) throw new Error(`setBucketAvailable: shop ${shopDomain} not found.`);
      context.buckets.setAvailable(`${clientId}|${shopDomain}`, shop.plan, points, Date.now());
    },
    webhooks: {
      sent: context.webhooks.sent,
      pending: () => context.webhooks.pending(),
      flush: () => context.webhooks.flush(),
    },
    close: async () => {
      if (closed) return;
      closed = true;
      context.webhooks.close();
      context.bulk.close();
      await server.close();
      logger.info({ url }, 'Shopify sandbox stopped');
    },
  };
}
