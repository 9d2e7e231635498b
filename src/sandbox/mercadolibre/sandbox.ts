import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import * as catalog from './catalog.js';
import { notifyAuthorizedApps, type SandboxContext } from './context.js';
import { CredentialStore } from './credentials.js';
import { FaultInjector } from '../shared/faults.js';
import { Notifier } from './notifications.js';
import { checkAuthorizationRequest } from './oauth.js';
import { createOrder } from './orders.js';
import { RateLimiter } from './rate-limit.js';
import { RequestRecorder } from '../shared/recorder.js';
import { ScrollRegistry } from './scroll.js';
import { buildSandboxServer } from './server.js';
import { SandboxStore } from './store.js';
import type { MercadoLibreSandbox, MercadoLibreSandboxOptions } from './types.js';

const DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  ratePerSecond: 10,
  accessTokenTtlSeconds: 21_600,
  notificationRetryWindowMs: 60_000,
  notificationRetryDelayMs: 1_000,
} as const;

function formatUrl(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** Starts a local MercadoLibre (site MLM) auth and API server and returns its controls. */
export async function startMercadoLibreSandbox(options: MercadoLibreSandboxOptions = {}): Promise<MercadoLibreSandbox> {
  const logger = (options.logger ?? pino({ level: 'info' })).child({ component: 'mercadolibre-sandbox' });
  const store = new SandboxStore();
  const notifier = new Notifier({
    retryWindowMs: options.notificationRetryWindowMs ?? DEFAULTS.notificationRetryWindowMs,
    retryDelayMs: options.notificationRetryDelayMs ?? DEFAULTS.notificationRetryDelayMs,
    logger,
  });
  const context: SandboxContext = {
    store,
    credentials: new CredentialStore(options.accessTokenTtlSeconds ?? DEFAULTS.accessTokenTtlSeconds),
    notifier,
    scrolls: new ScrollRegistry(),
    logger,
  };
  const controls = {
    recorder: new RequestRecorder(),
    faults: new FaultInjector(),
    rateLimiter: new RateLimiter(options.ratePerSecond ?? DEFAULTS.ratePerSecond),
  };
  for (const app of options.apps ?? []) store.addApp(app);

  const server = buildSandboxServer(context, controls);
  await server.listen({ host: options.host ?? DEFAULTS.host, port: options.port ?? DEFAULTS.port });
  const address = server.server.address();
  if (address === null || typeof address === 'string') {
    await server.close();
    throw new Error(`MercadoLibre sandbox listened on an unexpected address: ${String(address)}`);
  }
  const url = formatUrl(address);
  logger.info({ url }, 'MercadoLibre sandbox started');

  let closed = false;
  return {
    url,
    requests: controls.recorder.requests,
    addApp: (app) => {
      store.addApp(app);
    },
    seedSeller: (input) => catalog.seedSeller(store, input, new Date()),
    getItem: (itemId) => {
      const item = store.items.get(itemId);
      return item ? structuredClone(item) : undefined;
    },
    getOrder: (orderId) => {
      const order = store.orders.get(orderId);
      return order ? structuredClone(order) : undefined;
    },
    setVariationStock: (itemId, variationId, quantity) => {
      const item = catalog.setVariationStock(store, itemId, variationId, quantity, new Date());
      notifyAuthorizedApps(context, item.seller_id, 'items', `/items/${item.id}`);
    },
    setItemStock: (itemId, quantity) => {
      const item = catalog.setItemStock(store, itemId, quantity, new Date());
      notifyAuthorizedApps(context, item.seller_id, 'items', `/items/${item.id}`);
    },
    createOrder: (input) => {
      const order = createOrder(store, input, new Date());
      notifyAuthorizedApps(context, order.seller.id, 'orders_v2', `/orders/${order.id}`);
      return structuredClone(order);
    },
    issueAuthorizationCode: (input) => {
      const fields: Record<string, string | undefined> = {
        response_type: 'code',
        client_id: input.clientId,
        redirect_uri: input.redirectUri,
        code_challenge: input.codeChallenge,
        code_challenge_method: input.codeChallenge === undefined ? undefined : 'S256',
      };
      const check = checkAuthorizationRequest(store, (name) => fields[name]);
      if (!check.ok) throw new Error(`issueAuthorizationCode: ${check.message.en}`);
      if (!store.sellers.has(input.userId)) {
        throw new Error(`issueAuthorizationCode: seller ${input.userId} not found; seed it with seedSeller() first.`);
      }
      const { app, redirectUri, codeChallenge } = check.request;
      return context.credentials.issueCode(app, input.userId, redirectUri, codeChallenge, Date.now());
    },
    expireAccessTokens: (userId) => context.credentials.expireAccessTokens(userId, Date.now()),
    revokeAuthorization: (userId, clientId) => context.credentials.revoke(userId, clientId),
    injectFault: (rule) => controls.faults.add(rule),
    clearFaults: () => controls.faults.clear(),
    setRatePerSecond: (n) => controls.rateLimiter.setRate(n),
    peakRequestsPerSecond: () => controls.rateLimiter.arrivals.peak,
    notifications: {
      sent: notifier.sent,
      missed: notifier.missed,
      pending: () => notifier.pending(),
      flush: () => notifier.flush(),
    },
    close: async () => {
      if (closed) return;
      closed = true;
      notifier.close();
      await server.close();
      logger.info({ url }, 'MercadoLibre sandbox stopped');
    },
  };
}
