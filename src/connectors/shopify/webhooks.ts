import { z } from 'zod';
import type { IncomingWebhook, ParsedWebhook, WebhookResource } from '../shared/contract.js';
import { formatIssuePath } from '../shared/errors.js';
import type { ShopifyGraphqlClient } from './client.js';
import { gidSchema, inventoryLevelGid, parseInventoryLevelGid, toGid, type ShopifyGidType } from './gid.js';
import { verifyWebhookHmac } from './hmac.js';
import { fetchInventoryItemListings, fetchProductListings } from './listings.js';
import { fetchOrder } from './orders.js';
import { parseShopDomain } from './shop-domain.js';

/** Topics the sync subscribes to. */
export const SHOPIFY_WEBHOOK_TOPICS = ['orders/create', 'orders/cancelled', 'inventory_levels/update', 'products/update', 'app/uninstalled'] as const;

const ORDER_TOPICS = new Set(['orders/create', 'orders/updated', 'orders/paid', 'orders/cancelled']);
const INVENTORY_LEVEL_TOPICS = new Set(['inventory_levels/update', 'inventory_levels/connect']);
const PRODUCT_TOPICS = new Set(['products/create', 'products/update']);

/** Reads a header whatever the case of its name; a repeated header gives its first value. */
export function headerValue(headers: IncomingWebhook['headers'], name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined && first !== '') return first;
  }
  return undefined;
}

// Payloads use the REST resource shape; `admin_graphql_api_id` is preferred when present.
const resourceBodySchema = z.object({
  id: z.number().int().positive(),
  admin_graphql_api_id: z.string().optional(),
});
const inventoryLevelBodySchema = z.object({
  inventory_item_id: z.number().int().positive(),
  location_id: z.number().int().positive(),
});

/**
 * Verifies and reads a webhook. The HMAC is checked over the raw body before anything is parsed.
 * `X-Shopify-Event-Id` (the same for every delivery of one event) is the dedupe key. The resource
 * is the global id of the order or product, or the inventory level id, so that it is enough, with
 * the topic, to fetch the current state later.
 */
export function parseShopifyWebhook(webhook: IncomingWebhook, clientSecrets: readonly string[]): ParsedWebhook {
  const signature = headerValue(webhook.headers, 'x-shopify-hmac-sha256');
  if (signature === undefined) return { ok: false, reason: 'missing X-Shopify-Hmac-Sha256 header' };
  if (!verifyWebhookHmac(webhook.rawBody, signature, clientSecrets)) {
    return { ok: false, reason: 'X-Shopify-Hmac-Sha256 does not match the body; the request was not sent by Shopify for this app or was altered' };
  }
  const topic = headerValue(webhook.headers, 'x-shopify-topic');
  if (topic === undefined) return { ok: false, reason: 'missing X-Shopify-Topic header' };
  const shop = parseShopDomain(headerValue(webhook.headers, 'x-shopify-shop-domain'));
  if (!shop.ok) return { ok: false, reason: `X-Shopify-Shop-Domain: ${shop.message}` };
  // A delivery without an event id is deduplicated on its webhook id, which its retries keep.
  const eventId = headerValue(webhook.headers, 'x-shopify-event-id');
  const webhookId = headerValue(webhook.headers, 'x-shopify-webhook-id');
  const dedupeKey = eventId ?? (webhookId === undefined ? undefined : `webhook-id:${webhookId}`);
  if (dedupeKey === undefined) return { ok: false, reason: 'missing X-Shopify-Event-Id and X-Shopify-Webhook-Id headers' };

  let body: unknown;
  try {
    body = JSON.parse(webhook.rawBody);
  } catch {
    return { ok: false, reason: 'body is not valid JSON' };
  }
  const resource = resourceOf(topic, body);
  if (!resource.ok) return { ok: false, reason: `${topic} payload: ${resource.reason}` };
  return { ok: true, accountId: shop.shopDomain, dedupeKey, topic, resource: resource.value, verification: 'verified' };
}

function resourceOf(topic: string, body: unknown): { ok: true; value: string | null } | { ok: false; reason: string } {
  if (INVENTORY_LEVEL_TOPICS.has(topic)) {
    const parsed = inventoryLevelBodySchema.safeParse(body);
    if (!parsed.success) return { ok: false, reason: describe(parsed.error) };
    return { ok: true, value: inventoryLevelGid(parsed.data.location_id, parsed.data.inventory_item_id) };
  }
  const type: ShopifyGidType | null = ORDER_TOPICS.has(topic) ? 'Order' : PRODUCT_TOPICS.has(topic) ? 'Product' : null;
  if (type === null) return { ok: true, value: null };
  const parsed = resourceBodySchema.safeParse(body);
  if (!parsed.success) return { ok: false, reason: describe(parsed.error) };
  const fromApi = parsed.data.admin_graphql_api_id;
  return { ok: true, value: fromApi !== undefined && gidSchema(type).safeParse(fromApi).success ? fromApi : toGid(type, parsed.data.id) };
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  return `field "${issue ? formatIssuePath(issue.path) : '(root)'}": ${issue?.message ?? 'invalid value'}`;
}

/**
 * Fetches what a webhook points at: the order for order topics, the variant's listing for an
 * inventory level at the synced location, and every variant of a product for product topics.
 * Other topics (app/uninstalled included) and levels at other locations are ignored.
 */
export async function fetchShopifyWebhookResource(
  client: ShopifyGraphqlClient,
  locationId: () => Promise<string>,
  webhook: { topic: string; resource: string | null },
): Promise<WebhookResource> {
  const { topic, resource } = webhook;
  if (resource === null) return { kind: 'ignored', topic };
  if (ORDER_TOPICS.has(topic) && gidSchema('Order').safeParse(resource).success) {
    return { kind: 'order', order: await fetchOrder(client, resource) };
  }
  if (INVENTORY_LEVEL_TOPICS.has(topic)) {
    const level = parseInventoryLevelGid(resource);
    const syncedLocation = level ? await locationId() : null;
    if (!level || level.locationId !== syncedLocation) {
      client.logger?.debug({ topic, resource, syncedLocation }, 'inventory level webhook for another location ignored');
      return { kind: 'ignored', topic };
    }
    return { kind: 'listings', listings: await fetchInventoryItemListings(client, level.inventoryItemId, level.locationId) };
  }
  if (PRODUCT_TOPICS.has(topic) && gidSchema('Product').safeParse(resource).success) {
    return { kind: 'listings', listings: await fetchProductListings(client, resource, await locationId()) };
  }
  client.logger?.debug({ topic, resource }, 'Shopify webhook topic not handled');
  return { kind: 'ignored', topic };
}
