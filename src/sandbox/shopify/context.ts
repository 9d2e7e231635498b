import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { CredentialStore } from './credentials.js';
import type { BulkOperations } from './graphql/bulk.js';
import type { IdempotencyStore } from './graphql/idempotency.js';
import type { InventoryLedger } from './inventory.js';
import type { SandboxStore } from './store.js';
import type { CostBuckets } from './throttle.js';
import type { WebhookTopic } from './types.js';
import type { WebhookSender } from './webhooks.js';

/** State and services shared by the routes and resolvers of one sandbox instance. */
export interface SandboxContext {
  store: SandboxStore;
  credentials: CredentialStore;
  ledger: InventoryLedger;
  buckets: CostBuckets;
  bulk: BulkOperations;
  idempotency: IdempotencyStore;
  webhooks: WebhookSender;
  schema: GraphQLSchema;
  logger: Logger;
  /** Base URL once the server listens; used in bulk result URLs. */
  baseUrl: string;
}

/** Sends one event to every app installed on the shop that subscribes to the topic. */
export function emitWebhook(context: SandboxContext, shopDomain: string, topic: WebhookTopic, payload: unknown): void {
  const apps = context.credentials.installedApps(shopDomain).map(({ app }) => app);
  const queued = context.webhooks.emit(apps, shopDomain, topic, payload);
  if (queued === 0) {
    context.logger.debug({ shopDomain, topic }, 'no installed app subscribes to the topic; webhook not sent');
  }
}

/** Reads one field of a decoded form or JSON body as a string. */
export function stringField(source: unknown, name: string): string | undefined {
  if (typeof source !== 'object' || source === null) return undefined;
  const value: unknown = (source as Record<string, unknown>)[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** Parses the query string of a request URL. */
export function queryOf(url: string): URLSearchParams {
  const index = url.indexOf('?');
  return new URLSearchParams(index === -1 ? '' : url.slice(index + 1));
}
