import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { IncomingWebhook, ParsedWebhook } from '../shared/contract.js';
import { formatIssuePath } from '../shared/errors.js';

/** Webhook `type` numbers and their TikTok names, which the connector uses as topics. */
export const WEBHOOK_TOPICS: Readonly<Record<number, string>> = {
  1: 'ORDER_STATUS_CHANGE',
  3: 'RECIPIENT_ADDRESS_UPDATE',
  4: 'PACKAGE_UPDATE',
  5: 'PRODUCT_STATUS_CHANGE',
  6: 'SELLER_DEAUTHORIZATION',
  7: 'UPCOMING_AUTHORIZATION_EXPIRATION',
  11: 'CANCELLATION_STATUS_CHANGE',
  12: 'RETURN_STATUS_CHANGE',
  15: 'PRODUCT_INFORMATION_CHANGE',
  16: 'PRODUCT_CREATION',
  27: 'INVENTORY_STATUS_CHANGE',
};

/** Topics whose resource is `data.order_id`. */
export const ORDER_TOPICS: ReadonlySet<string> = new Set(['ORDER_STATUS_CHANGE', 'CANCELLATION_STATUS_CHANGE']);
/** Topics whose resource is `data.product_id`. */
export const PRODUCT_TOPICS: ReadonlySet<string> = new Set(['PRODUCT_STATUS_CHANGE', 'INVENTORY_STATUS_CHANGE', 'PRODUCT_INFORMATION_CHANGE', 'PRODUCT_CREATION']);

/** Id fields that TikTok may send as JSON numbers longer than 2^53 (its docs show product_id as a number). */
const ID_FIELDS = ['tts_notification_id', 'shop_id', 'order_id', 'product_id', 'sku_id'];
const UNQUOTED_ID = new RegExp(`(?<!\\\\)"(${ID_FIELDS.join('|')})"(\\s*:\\s*)(-?\\d+)`, 'g');

const id = z.union([z.string().trim().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String);

const envelopeSchema = z.object({
  type: z.number().int(),
  tts_notification_id: id,
  shop_id: id,
  timestamp: z.number().int().nonnegative(),
  data: z.record(z.string(), z.unknown()),
});

export interface TikTokNotification {
  type: number;
  /** TikTok's name for the type, e.g. ORDER_STATUS_CHANGE, or TYPE_{n} for a type not listed. */
  topic: string;
  /** `tts_notification_id`: the same on every redelivery. */
  notificationId: string;
  shopId: string;
  /** Unix seconds. */
  timestamp: number;
  data: Record<string, unknown>;
  /** Order id or product id the notification is about; null for other types. */
  resource: string | null;
}

export type NotificationParseResult = { ok: true; notification: TikTokNotification } | { ok: false; reason: string };

/** Computes the `Authorization` header value: lowercase hex HMAC-SHA256(app secret, app key + raw body). */
export function computeWebhookSignature(appKey: string, appSecret: string, rawBody: string): string {
  return createHmac('sha256', appSecret).update(appKey + rawBody, 'utf8').digest('hex');
}

/** Checks a webhook signature over the raw body in constant time; a length mismatch is a failed check. */
export function verifyWebhookSignature(appKey: string, appSecret: string, rawBody: string, signature: string): boolean {
  const expected = Buffer.from(computeWebhookSignature(appKey, appSecret, rawBody), 'utf8');
  const received = Buffer.from(signature.trim().toLowerCase(), 'utf8');
  return expected.length === received.length && timingSafeEqual(expected, received);
}

/**
 * Parses a webhook body that was already verified. Id fields sent as JSON numbers are read from the
 * raw text as strings, so ids above 2^53 keep every digit.
 */
export function parseNotificationBody(rawBody: string): NotificationParseResult {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.replace(UNQUOTED_ID, '"$1"$2"$3"'));
  } catch {
    return { ok: false, reason: 'body is not valid JSON' };
  }
  const result = envelopeSchema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    return { ok: false, reason: `field "${issue ? formatIssuePath(issue.path) : '(root)'}": ${issue?.message ?? 'invalid value'}` };
  }
  const envelope = result.data;
  const topic = WEBHOOK_TOPICS[envelope.type] ?? `TYPE_${envelope.type}`;
  const resourceField = ORDER_TOPICS.has(topic) ? 'order_id' : PRODUCT_TOPICS.has(topic) ? 'product_id' : null;
  let resource: string | null = null;
  if (resourceField !== null) {
    const parsed = id.safeParse(envelope.data[resourceField]);
    if (!parsed.success) {
      return { ok: false, reason: `field "data.${resourceField}": expected a numeric id for a ${topic} notification` };
    }
    resource = parsed.data;
  }
  return {
    ok: true,
    notification: {
      type: envelope.type,
      topic,
      notificationId: envelope.tts_notification_id,
      shopId: envelope.shop_id,
      timestamp: envelope.timestamp,
      data: envelope.data,
      resource,
    },
  };
}

/**
 * Verifies and parses a webhook for the connector contract. The account is the `shop_id` and the
 * dedupe key the `tts_notification_id`.
 * NOTE: TikTok's envelope carries a timestamp but documents no replay window, so none is enforced.
 * Deduplication on the notification id is what stops a replayed delivery.
 */
export function parseWebhook(credentials: { appKey: string; appSecret: string }, webhook: IncomingWebhook): ParsedWebhook {
  const signature = headerValue(webhook.headers, 'authorization');
  if (signature === undefined || signature.trim() === '') {
    return { ok: false, reason: 'missing Authorization header with the webhook signature' };
  }
  if (!verifyWebhookSignature(credentials.appKey, credentials.appSecret, webhook.rawBody, signature)) {
    return { ok: false, reason: 'webhook signature does not match the raw body (wrong app secret, or the body was changed)' };
  }
  const parsed = parseNotificationBody(webhook.rawBody);
  if (!parsed.ok) {
    return parsed;
  }
  const { notification } = parsed;
  return {
    ok: true,
    accountId: notification.shopId,
    dedupeKey: notification.notificationId,
    topic: notification.topic,
    resource: notification.resource,
    verification: 'verified',
  };
}

/** Reads a header by name in any letter case; a repeated header gives its first value. */
function headerValue(headers: IncomingWebhook['headers'], name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) {
      return Array.isArray(value) ? value[0] : value;
    }
  }
  return undefined;
}
