import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { CredentialStore } from './credentials.js';
import type { RateLimiter } from './rate-limit.js';
import type { SandboxStore } from './store.js';
import type { WebhookNotifier } from './webhooks.js';

/** State and services shared by the route modules of one sandbox instance. */
export interface SandboxContext {
  store: SandboxStore;
  credentials: CredentialStore;
  notifier: WebhookNotifier;
  rateLimiter: RateLimiter;
  /** Raw request bodies, kept because signatures cover the exact text sent. */
  rawBodies: WeakMap<FastifyRequest, string>;
  logger: Logger;
}

export const WEBHOOK_TYPES = {
  orderStatusChange: 1,
  productStatusChange: 5,
  sellerDeauthorization: 6,
  inventoryStatusChange: 27,
} as const;

/**
 * Sends a webhook about a shop to every app the shop's seller authorized that has a webhook URL.
 * `appKeys` restricts the recipients (used after a revocation, when the grant is already gone).
 */
export function notifyShop(
  context: SandboxContext,
  shopId: string,
  type: number,
  data: Record<string, unknown>,
  options: { appKeys?: string[]; numericIdFields?: string[] } = {},
): void {
  const shop = context.store.shops.get(shopId);
  if (!shop) return;
  const appKeys = options.appKeys ?? context.credentials.authorizedAppKeys(shop.openId);
  let queued = 0;
  for (const appKey of appKeys) {
    const app = context.store.apps.get(appKey);
    if (!app?.webhookUrl) continue;
    context.notifier.enqueue({
      url: app.webhookUrl,
      appKey: app.appKey,
      appSecret: app.appSecret,
      envelope: { type, tts_notification_id: context.store.notificationIds.take(), shop_id: shop.id, timestamp: Math.floor(Date.now() / 1000), data },
      numericIdFields: options.numericIdFields,
    });
    queued++;
  }
  if (queued === 0) {
    context.logger.debug({ shopId, type }, 'no authorized app with a webhook URL; webhook not sent');
  }
}

/** Parses the query string of a request URL. */
export function queryOf(url: string): URLSearchParams {
  const index = url.indexOf('?');
  return new URLSearchParams(index === -1 ? '' : url.slice(index + 1));
}

/** Reads one field of a decoded form or JSON body as a string. */
export function stringField(source: unknown, name: string): string | undefined {
  if (typeof source !== 'object' || source === null) return undefined;
  const value: unknown = (source as Record<string, unknown>)[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}
