import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import * as catalog from './catalog.js';
import type { SandboxContext } from './context.js';
import { CredentialStore } from './credentials.js';
import { AUDIT_STATES, type SheinEvent } from './events.js';
import { FaultInjector } from '../shared/faults.js';
import { createOrder } from './orders.js';
import { SpacingLimiter } from './rate-limit.js';
import { RequestRecorder } from '../shared/recorder.js';
import { buildSandboxServer } from './server.js';
import { SandboxStore } from './store.js';
import type { SheinSandbox, SheinSandboxOptions } from './types.js';
import { notifySeller, WebhookSender } from './webhooks.js';

const DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  requestSpacingMs: 150,
  timestampToleranceMs: 5 * 60 * 1000,
  webhookMaxAttempts: 3,
  webhookRetryDelayMs: 1000,
  webhookTimeoutMs: 3000,
} as const;

function formatUrl(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** Starts a local SHEIN Open Platform (empower page and API host) and returns its controls. */
export async function startSheinSandbox(options: SheinSandboxOptions = {}): Promise<SheinSandbox> {
  const logger = (options.logger ?? pino({ level: 'info' })).child({ component: 'shein-sandbox' });
  let clockOffsetMs = 0;
  const now = (): number => Date.now() + clockOffsetMs;
  const store = new SandboxStore();
  const webhooks = new WebhookSender({
    maxAttempts: options.webhookMaxAttempts ?? DEFAULTS.webhookMaxAttempts,
    retryDelayMs: options.webhookRetryDelayMs ?? DEFAULTS.webhookRetryDelayMs,
    timeoutMs: options.webhookTimeoutMs ?? DEFAULTS.webhookTimeoutMs,
    now,
    logger,
  });
  const context: SandboxContext = {
    store,
    credentials: new CredentialStore(),
    webhooks,
    logger,
    now,
    timestampToleranceMs: options.timestampToleranceMs ?? DEFAULTS.timestampToleranceMs,
    callers: new WeakMap(),
  };
  const controls = {
    recorder: new RequestRecorder(),
    faults: new FaultInjector(),
    limiter: new SpacingLimiter(options.requestSpacingMs ?? DEFAULTS.requestSpacingMs),
  };
  for (const app of options.apps ?? []) store.addApp(app);

  const emit = (event: SheinEvent): void => {
    notifySeller({ webhooks, logger, apps: store.apps }, context.credentials.activeKeys(event.supplierId), event);
  };

  const server = buildSandboxServer(context, controls);
  await server.listen({ host: options.host ?? DEFAULTS.host, port: options.port ?? DEFAULTS.port });
  const address = server.server.address();
  if (address === null || typeof address === 'string') {
    await server.close();
    throw new Error(`SHEIN sandbox listened on an unexpected address: ${String(address)}`);
  }
  const url = formatUrl(address);
  logger.info({ url }, 'SHEIN sandbox started');

  let closed = false;
  return {
    url,
    requests: controls.recorder.requests,
    addApp: (app) => {
      store.addApp(app);
    },
    seedSeller: (input) => catalog.seedSeller(store, input, new Date(now())),
    getSpu: (spuName) => {
      const spu = store.spus.get(spuName);
      return spu ? structuredClone(spu) : undefined;
    },
    getSku: (skuCode) => {
      const location = store.skus.get(skuCode);
      return location ? structuredClone(location.sku) : undefined;
    },
    getOrder: (orderNo) => {
      const order = store.orders.get(orderNo);
      return order ? structuredClone(order) : undefined;
    },
    setStock: (skuCode, quantity) => {
      const location = catalog.setUsableStock(store, skuCode, quantity, new Date(now()));
      emit({ eventType: 'stock', supplierId: location.spu.supplierId, spuName: location.spu.spuName, skuCodeList: [skuCode], eventTime: new Date(now()).toISOString() });
    },
    createOrder: (input) => {
      const order = createOrder(store, input, new Date(now()));
      emit({ eventType: 'order', supplierId: order.supplierId, orderNo: order.orderNo, orderStatus: order.orderStatus, eventTime: order.orderTime });
      return structuredClone(order);
    },
    reviewProduct: (spuName, auditState, failedReason = []) => {
      const spu = store.spus.get(spuName);
      if (!spu) throw new Error(`reviewProduct: SPU ${spuName} not found in the sandbox; seed it with seedSeller() first.`);
      if (!Object.values(AUDIT_STATES).some((state) => state === auditState)) {
        throw new Error(`reviewProduct: audit state ${auditState} is invalid; use ${AUDIT_STATES.approved} (approved) or ${AUDIT_STATES.rejected} (rejected).`);
      }
      emit({ eventType: 'product_audit', supplierId: spu.supplierId, spu_name: spuName, audit_state: auditState, failed_reason: failedReason, eventTime: new Date(now()).toISOString() });
    },
    issueAuthorizationCode: (input) => {
      if (!store.apps.has(input.appId)) throw new Error(`issueAuthorizationCode: appid ${input.appId} is not registered; add it with addApp() first.`);
      if (!store.sellers.has(input.supplierId)) throw new Error(`issueAuthorizationCode: supplier ${input.supplierId} not found; seed it with seedSeller() first.`);
      return context.credentials.issueTempToken(input.appId, input.supplierId, input.state ?? '', now());
    },
    issueApiKeys: (input) => {
      if (!store.apps.has(input.appId)) throw new Error(`issueApiKeys: appid ${input.appId} is not registered; add it with addApp() first.`);
      if (!store.sellers.has(input.supplierId)) throw new Error(`issueApiKeys: supplier ${input.supplierId} not found; seed it with seedSeller() first.`);
      const { openKeyId, secretKey } = context.credentials.issuePortalKeys(input.appId, input.supplierId);
      return { openKeyId, secretKey };
    },
    expireAccessTokens: (supplierId) => context.credentials.expire(supplierId),
    revokeAuthorization: (supplierId, appId) => context.credentials.revoke(supplierId, appId),
    injectFault: (rule) => controls.faults.add(rule),
    clearFaults: () => controls.faults.clear(),
    setRequestSpacing: (ms) => controls.limiter.setSpacing(ms),
    peakRequestsPerSecond: () => controls.limiter.arrivals.peak,
    advanceClock: (ms) => {
      clockOffsetMs += ms;
    },
    webhooks: {
      sent: webhooks.sent,
      failed: webhooks.failed,
      pending: () => webhooks.pending(),
      flush: () => webhooks.flush(),
    },
    close: async () => {
      if (closed) return;
      closed = true;
      webhooks.close();
      await server.close();
      logger.info({ url }, 'SHEIN sandbox stopped');
    },
  };
}
