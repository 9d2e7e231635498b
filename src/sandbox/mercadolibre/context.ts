import type { Logger } from 'pino';
import type { CredentialStore } from './credentials.js';
import type { Notifier } from './notifications.js';
import type { ScrollRegistry } from './scroll.js';
import type { SandboxStore } from './store.js';
import type { NotificationTopic } from './types.js';

/** State and services shared by the route modules of one sandbox instance. */
export interface SandboxContext {
  store: SandboxStore;
  credentials: CredentialStore;
  notifier: Notifier;
  scrolls: ScrollRegistry;
  logger: Logger;
}

/** Queues a notification for every app the seller authorized that has a notification URL. */
export function notifyAuthorizedApps(context: SandboxContext, userId: number, topic: NotificationTopic, resource: string): void {
  let queued = 0;
  for (const clientId of context.credentials.authorizedClientIds(userId)) {
    const app = context.store.apps.get(clientId);
    if (!app?.notificationUrl) continue;
    context.notifier.enqueue({ url: app.notificationUrl, resource, userId, topic, applicationId: app.applicationId });
    queued++;
  }
  if (queued === 0) {
    context.logger.debug({ userId, topic, resource }, 'no authorized app with a notification URL; notification not sent');
  }
}

/** Reads one field of a decoded form or JSON body, or of a query string object, as a string. */
export function stringField(source: unknown, name: string): string | undefined {
  if (typeof source !== 'object' || source === null) return undefined;
  const value: unknown = (source as Record<string, unknown>)[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** Parses the query string of a request URL; repeated names keep their first value through get(). */
export function queryOf(url: string): URLSearchParams {
  const index = url.indexOf('?');
  return new URLSearchParams(index === -1 ? '' : url.slice(index + 1));
}

/** Parses a decimal integer query or path value; returns undefined for anything else. */
export function parseInteger(text: string | null | undefined): number | undefined {
  if (text === null || text === undefined || !/^-?\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}
