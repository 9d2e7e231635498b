import { UniqueConstraintViolationException, type EntityManager, type MikroORM } from '@mikro-orm/postgresql';
import type { IncomingWebhook } from '../connectors/shared/contract.js';
import { crossTenantEntityManager, tenantEntityManager } from '../database/orm.js';
import { type Marketplace, MarketplaceConnection, WebhookDelivery, WebhookDeliveryStatus } from '../entities/index.js';
import type { ConnectorRegistry } from '../connections/registry.js';
import { sessionFor, type SyncDependencies } from './context.js';
import { applyOrder } from './orders.js';
import { applyRemoteListings } from './remote-listings.js';

/** Attempts after which a delivery that keeps failing is marked DEAD and left for a replay. */
export const MAX_WEBHOOK_ATTEMPTS = 5;

export type WebhookReceipt =
  | { status: 'accepted'; tenantId: string; deliveryId: string }
  | { status: 'duplicate'; tenantId: string; deliveryId: string }
  | { status: 'unknown_account'; accountId: string }
  | { status: 'rejected'; reason: string };

/**
 * Verifies and stores a received webhook (the inbox row), deduplicated on the marketplace's
 * delivery key. Processing happens later in a job, so the route can respond within the
 * marketplace's deadline (500 ms for MercadoLibre).
 */
export async function receiveWebhook(
  deps: { orm: MikroORM; connectors: ConnectorRegistry },
  marketplace: Marketplace,
  webhook: IncomingWebhook,
): Promise<WebhookReceipt> {
  const parsed = deps.connectors.get(marketplace).parseWebhook(webhook);
  if (!parsed.ok) return { status: 'rejected', reason: parsed.reason };
  const lookup = crossTenantEntityManager(deps.orm);
  const connection = await lookup.findOne(MarketplaceConnection, { marketplace, externalAccountId: parsed.accountId }, { filters: false });
  if (!connection) return { status: 'unknown_account', accountId: parsed.accountId };

  const tenantId = connection.tenantId;
  const em = tenantEntityManager(deps.orm, tenantId);
  const existing = await em.findOne(WebhookDelivery, { marketplace, dedupeKey: parsed.dedupeKey });
  if (existing) return countRedelivery(em, tenantId, existing.id);
  const delivery = em.create(WebhookDelivery, {
    tenantId,
    marketplace,
    connection: em.getReference(MarketplaceConnection, connection.id),
    dedupeKey: parsed.dedupeKey,
    topic: parsed.topic,
    resource: parsed.resource,
    rawBody: webhook.rawBody,
    verification: parsed.verification,
  });
  try {
    await em.flush();
  } catch (error) {
    // A simultaneous delivery of the same notification stored it first.
    if (!(error instanceof UniqueConstraintViolationException)) throw error;
    const lookupAgain = tenantEntityManager(deps.orm, tenantId);
    const stored = await lookupAgain.findOneOrFail(WebhookDelivery, { marketplace, dedupeKey: parsed.dedupeKey });
    return countRedelivery(lookupAgain, tenantId, stored.id);
  }
  return { status: 'accepted', tenantId, deliveryId: delivery.id };
}

/** Counts one more delivery of a stored notification; an increment in SQL, so simultaneous ones all count. */
async function countRedelivery(em: EntityManager, tenantId: string, deliveryId: string): Promise<WebhookReceipt> {
  await em.execute('update webhook_delivery set redeliveries = redeliveries + 1 where id = ?', [deliveryId]);
  return { status: 'duplicate', tenantId, deliveryId };
}

export interface WebhookProcessingOutcome {
  ordersApplied: number;
  listingsUpdated: number;
}

/**
 * Fetches what a stored webhook points at and applies it: an order becomes a stock delta, a listing
 * change is merged. A failure is recorded on the delivery and rethrown so the job retries it.
 */
export async function processWebhookDelivery(deps: SyncDependencies, input: { tenantId: string; deliveryId: string }): Promise<WebhookProcessingOutcome> {
  const em = tenantEntityManager(deps.orm, input.tenantId);
  const delivery = await em.findOneOrFail(WebhookDelivery, { id: input.deliveryId }, { populate: ['connection'] });
  const outcome: WebhookProcessingOutcome = { ordersApplied: 0, listingsUpdated: 0 };
  if (delivery.status === WebhookDeliveryStatus.PROCESSED || !delivery.connection) return outcome;
  const connection = delivery.connection;
  const connector = deps.connectors.get(connection.marketplace);
  const log = deps.logger.child({ tenantId: input.tenantId, connectionId: connection.id, deliveryId: delivery.id, topic: delivery.topic });
  delivery.attempts += 1;
  try {
    // Verified on receipt; signatures live in headers that are not stored, so the row is the source now.
    const resource = await connector.fetchWebhookResource(sessionFor(deps, connection), {
      ok: true,
      accountId: connection.externalAccountId,
      dedupeKey: delivery.dedupeKey,
      topic: delivery.topic,
      resource: delivery.resource,
      verification: delivery.verification === 'verified' ? 'verified' : 'unsigned',
    });
    let pushTo = new Set<string>();
    if (resource.kind === 'order') {
      const result = await applyOrder(em.fork(), connection, resource.order, log);
      pushTo = result.connectionIds;
      if (result.applied) {
        outcome.ordersApplied = 1;
        await deps.events.publish({
          type: 'ORDER_APPLIED',
          tenantId: input.tenantId,
          connectionId: connection.id,
          message: `order ${resource.order.externalId} applied`,
          data: { orderId: resource.order.externalId, status: resource.order.status, units: result.adjustments.reduce((sum, line) => sum + Math.abs(line.delta), 0) },
        });
      }
    } else if (resource.kind === 'listings') {
      const result = await em.transactional((tx) => applyRemoteListings(tx, tx.merge(connection), resource.listings, null));
      pushTo = result.connectionIds;
      outcome.listingsUpdated = result.updated + result.created;
    }
    delivery.status = WebhookDeliveryStatus.PROCESSED;
    delivery.processedAt = new Date();
    delivery.lastError = null;
    await em.flush();
    for (const connectionId of pushTo) await deps.scheduler.pushStock({ tenantId: input.tenantId, connectionId });
    return outcome;
  } catch (error) {
    delivery.lastError = error instanceof Error ? error.message : String(error);
    delivery.status = delivery.attempts >= MAX_WEBHOOK_ATTEMPTS ? WebhookDeliveryStatus.DEAD : WebhookDeliveryStatus.FAILED;
    await em.flush();
    log.warn({ err: error, attempts: delivery.attempts, status: delivery.status }, 'webhook processing failed');
    throw error;
  }
}
