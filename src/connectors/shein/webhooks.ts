import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { IncomingWebhook, ParsedWebhook } from '../shared/contract.js';
import { formatIssuePath } from '../shared/errors.js';
import { decryptWithFixedIv } from './aes.js';
import type { SheinConfig } from './config.js';
import { verifySignature } from './signing.js';

/**
 * Event payloads, after decryption.
 * NOTE: SHEIN documents these only on its portal. The shapes are inferred from integrators' code
 * (the product audit fields `spu_name`, `audit_state`, `failed_reason`) and match the local
 * sandbox. Every event must carry `supplierId`, because it routes the event to its connection.
 */
const supplierId = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform(String);

const orderEventSchema = z.object({
  eventType: z.literal('order'),
  supplierId,
  orderNo: z.string().min(1),
});

const stockEventSchema = z.object({
  eventType: z.literal('stock'),
  supplierId,
  spuName: z.string().min(1),
});

const productAuditEventSchema = z.object({
  eventType: z.literal('product_audit').optional(),
  supplierId,
  spu_name: z.string().min(1),
  audit_state: z.number().int(),
});

const eventSchema = z.union([orderEventSchema, stockEventSchema, productAuditEventSchema]);

export type SheinWebhookTopic = 'order' | 'stock' | 'product_audit';

/** Reads a header whatever the case of its name; repeated headers give their first value. */
function header(headers: IncomingWebhook['headers'], name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === lower) {
      return Array.isArray(value) ? value[0] : value;
    }
  }
  return undefined;
}

/**
 * Takes the `eventData` field from the raw body: a form (x-www-form-urlencoded) or a JSON object.
 * The form is split by hand and the value percent-decoded without turning `+` into a space,
 * because base64 uses `+`: a sender that does not escape it must not break the ciphertext.
 */
export function extractEventData(rawBody: string): string | null {
  const trimmed = rawBody.trim();
  if (trimmed.startsWith('{')) {
    try {
      const value: unknown = (JSON.parse(trimmed) as Record<string, unknown>).eventData;
      return typeof value === 'string' ? value : null;
    } catch {
      return null;
    }
  }
  for (const pair of trimmed.split('&')) {
    const index = pair.indexOf('=');
    if (index === -1 || pair.slice(0, index) !== 'eventData') {
      continue;
    }
    try {
      // Base64 has no spaces, so any space left is a `+` that a proxy decoded as form data.
      return decodeURIComponent(pair.slice(index + 1)).replaceAll(' ', '+');
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * Verifies and decodes a SHEIN event callback. The signature is checked with the appid and app
 * secret over the path of our endpoint (`webhookPath`), the timestamp against the tolerance in both
 * directions, then `eventData` is decrypted and validated. SHEIN sends no delivery id, so the
 * dedupe key is the SHA-256 of the decrypted event.
 * NOTE: SHEIN's signature does not cover the body, and AES-CBC without a MAC does not detect every
 * change to it. Treat an event as a hint and read the order or SPU it names from the API.
 */
export function parseSheinWebhook(config: SheinConfig, webhook: IncomingWebhook, now: number = Date.now()): ParsedWebhook {
  const appId = header(webhook.headers, 'x-lt-appid');
  const timestamp = header(webhook.headers, 'x-lt-timestamp');
  const signature = header(webhook.headers, 'x-lt-signature');
  if (!appId || !timestamp || !signature) {
    return { ok: false, reason: 'missing x-lt-appid, x-lt-timestamp or x-lt-signature header' };
  }
  if (appId !== config.appId) {
    return { ok: false, reason: `x-lt-appid "${appId}" is not this application's appid` };
  }
  if (!/^\d{1,15}$/.test(timestamp)) {
    return { ok: false, reason: 'x-lt-timestamp is not a number of milliseconds' };
  }
  if (Math.abs(now - Number(timestamp)) > config.webhookToleranceSeconds * 1000) {
    return { ok: false, reason: `x-lt-timestamp is more than ${config.webhookToleranceSeconds} s away from the current time` };
  }
  if (!verifySignature({ keyId: config.appId, secret: config.appSecret, path: config.webhookPath, timestamp, signature })) {
    return { ok: false, reason: `x-lt-signature does not match (signed path must be ${config.webhookPath})` };
  }

  const eventData = extractEventData(webhook.rawBody);
  if (eventData === null) {
    return { ok: false, reason: 'body has no eventData field (form or JSON)' };
  }
  const decrypted = decryptWithFixedIv(eventData, config.appSecret);
  if (decrypted === null) {
    return { ok: false, reason: 'eventData could not be decrypted with the app secret' };
  }
  let body: unknown;
  try {
    body = JSON.parse(decrypted);
  } catch {
    return { ok: false, reason: 'decrypted eventData is not valid JSON' };
  }
  const parsed = eventSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `event field "${issue ? formatIssuePath(issue.path) : '(root)'}": ${issue?.message ?? 'invalid value'}` };
  }

  const event = parsed.data;
  const dedupeKey = createHash('sha256').update(decrypted, 'utf8').digest('hex');
  const base = { ok: true as const, accountId: event.supplierId, dedupeKey, verification: 'verified' as const };
  if ('orderNo' in event) {
    return { ...base, topic: 'order', resource: event.orderNo };
  }
  if ('spuName' in event) {
    return { ...base, topic: 'stock', resource: event.spuName };
  }
  return { ...base, topic: 'product_audit', resource: event.spu_name };
}
