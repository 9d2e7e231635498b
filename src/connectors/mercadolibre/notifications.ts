import { z } from 'zod';
import { formatIssuePath, MarketplaceError } from '../shared/errors.js';
import type { RemoteListing, RemoteOrder } from '../shared/types.js';
import type { MercadoLibreClient } from './client.js';
import { fetchItem } from './listings.js';
import { fetchOrder } from './orders.js';

/** Numeric id sent as a JSON number or, in some topics, as a string. */
const idAsString = z.union([z.number().int().nonnegative(), z.string().trim().regex(/^\d+$/)]).transform(String);

const notificationSchema = z.object({
  _id: z.string().nullish(),
  resource: z.string().min(1),
  user_id: idAsString,
  topic: z.string().min(1),
  application_id: idAsString,
  attempts: z.number().int().positive().nullish(),
  sent: z.string().min(1),
  received: z.string().nullish(),
  actions: z.array(z.string()).nullish(),
});

export interface MercadoLibreNotification {
  /** `_id` of the payload, when present. */
  id: string | null;
  topic: string;
  /** Path of the changed resource, e.g. /orders/2000009876543210. */
  resource: string;
  /** Seller the notification is about. */
  userId: string;
  applicationId: string;
  /** Delivery attempt, 1 for the first; missing counts as 1. */
  attempts: number;
  /** Send time exactly as received (ISO 8601, UTC). */
  sent: string;
  actions: string[];
  /** Same value for every redelivery of one notification. */
  dedupeKey: string;
}

export type NotificationParseResult = { ok: true; notification: MercadoLibreNotification } | { ok: false; reason: string };

/**
 * Parses a notification body without throwing. MercadoLibre does not sign notifications, so a
 * parsed one is only a hint: the resource must be fetched with the seller's token.
 * NOTE: JSON numbers above 2^53 lose precision when the body is parsed, and application ids have
 * 16 digits. Do not rely on `applicationId` for exact comparisons.
 */
export function safeParseNotification(body: unknown): NotificationParseResult {
  const result = notificationSchema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue ? formatIssuePath(issue.path) : '(root)';
    return { ok: false, reason: `field "${field}": ${issue?.message ?? 'invalid value'}` };
  }
  const data = result.data;
  return {
    ok: true,
    notification: {
      id: data._id ?? null,
      topic: data.topic,
      resource: data.resource,
      userId: data.user_id,
      applicationId: data.application_id,
      attempts: data.attempts ?? 1,
      sent: data.sent,
      actions: data.actions ?? [],
      // `_id` stays the same on every retry, while `sent` changes. Without `_id`, `received` is used
      // because it records when MercadoLibre saw the change, not when it sent this attempt.
      dedupeKey: data._id ? `id:${data._id}` : `${data.topic}:${data.resource}:${data.received ?? data.sent}`,
    },
  };
}

/** Parses a notification body or raises MarketplaceError kind 'invalid_input' naming the bad field. */
export function parseNotification(body: unknown): MercadoLibreNotification {
  const result = safeParseNotification(body);
  if (!result.ok) {
    throw new MarketplaceError('MERCADOLIBRE', `Invalid MercadoLibre notification: ${result.reason}. The body was not processed.`, {
      kind: 'invalid_input',
      code: 'invalid_notification',
    });
  }
  return result.notification;
}

export type NotificationResource =
  | { kind: 'order'; order: RemoteOrder }
  | { kind: 'item'; listings: RemoteListing[] }
  | { kind: 'ignored'; topic: string; reason: string };

const ORDER_RESOURCE = /^\/orders\/(\d+)$/;
const ITEM_RESOURCE = /^\/items\/([A-Z]{3}\d+)$/;

/**
 * Fetches the current state of the resource a notification points to: the order for `orders_v2`
 * (and the legacy `orders`) topic, the item's listings for `items`. Other topics, and resources
 * in an unexpected form, are returned as ignored with the reason.
 */
export async function fetchNotificationResource(
  client: MercadoLibreClient,
  notification: Pick<MercadoLibreNotification, 'topic' | 'resource'>,
): Promise<NotificationResource> {
  const { topic, resource } = notification;
  if (topic === 'orders_v2' || topic === 'orders') {
    const match = ORDER_RESOURCE.exec(resource);
    if (!match?.[1]) {
      return { kind: 'ignored', topic, reason: `resource "${resource}" is not of the form /orders/{id}` };
    }
    return { kind: 'order', order: await fetchOrder(client, match[1]) };
  }
  if (topic === 'items') {
    const match = ITEM_RESOURCE.exec(resource);
    if (!match?.[1]) {
      return { kind: 'ignored', topic, reason: `resource "${resource}" is not of the form /items/{id}` };
    }
    return { kind: 'item', listings: await fetchItem(client, match[1]) };
  }
  return { kind: 'ignored', topic, reason: `topic "${topic}" is not handled` };
}
