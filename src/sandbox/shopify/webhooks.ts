import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AppRecord } from './credentials.js';
import { signWebhookBody } from './tokens.js';
import type { WebhookAttempt, WebhookTopic } from './types.js';

/** Shopify waits 5 s for a 2xx response. */
const DELIVERY_TIMEOUT_MS = 5000;

interface Delivery {
  url: string;
  topic: WebhookTopic;
  shopDomain: string;
  eventId: string;
  webhookId: string;
  headers: Record<string, string>;
  rawBody: string;
  attempts: number;
}

/**
 * Signs and delivers webhooks with retries. Every attempt of a delivery carries the same body,
 * X-Shopify-Webhook-Id and X-Shopify-Event-Id; one event sent to several apps shares its event id.
 * Failures are logged, never thrown.
 */
export class WebhookSender {
  readonly sent: WebhookAttempt[] = [];
  private pendingCount = 0;
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly idleWaiters: Array<() => void> = [];
  private readonly closing = new AbortController();

  constructor(private readonly options: { maxAttempts: number; retryDelayMs: number; logger: Logger }) {}

  /** Queues one event for every app with a webhook URL subscribed to the topic; returns how many. */
  emit(apps: readonly AppRecord[], shopDomain: string, topic: WebhookTopic, payload: unknown): number {
    if (this.closed) return 0;
    const rawBody = JSON.stringify(payload);
    const eventId = randomUUID();
    const triggeredAt = new Date().toISOString();
    let queued = 0;
    for (const app of apps) {
      if (!app.webhookUrl || !app.webhookTopics.has(topic)) continue;
      const webhookId = randomUUID();
      const delivery: Delivery = {
        url: app.webhookUrl,
        topic,
        shopDomain,
        eventId,
        webhookId,
        rawBody,
        attempts: 0,
        headers: {
          'content-type': 'application/json',
          'x-shopify-topic': topic,
          'x-shopify-hmac-sha256': signWebhookBody(rawBody, app.clientSecret),
          'x-shopify-shop-domain': shopDomain,
          'x-shopify-api-version': app.webhookApiVersion,
          'x-shopify-webhook-id': webhookId,
          'x-shopify-event-id': eventId,
          'x-shopify-triggered-at': triggeredAt,
        },
      };
      this.pendingCount++;
      queued++;
      this.startAttempt(delivery);
    }
    return queued;
  }

  pending(): number {
    return this.pendingCount;
  }

  flush(): Promise<void> {
    if (this.pendingCount === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops retries and aborts attempts in flight; queued deliveries are dropped. */
  close(): void {
    this.closed = true;
    this.closing.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.pendingCount = 0;
    this.release();
  }

  private startAttempt(delivery: Delivery): void {
    this.attempt(delivery).catch((error: unknown) => {
      this.options.logger.error({ err: error, webhookId: delivery.webhookId }, 'webhook delivery failed unexpectedly');
      this.settle();
    });
  }

  private async attempt(delivery: Delivery): Promise<void> {
    delivery.attempts++;
    const status = await this.post(delivery);
    if (this.closed) return;
    this.sent.push({
      topic: delivery.topic,
      shopDomain: delivery.shopDomain,
      url: delivery.url,
      eventId: delivery.eventId,
      webhookId: delivery.webhookId,
      headers: { ...delivery.headers },
      rawBody: delivery.rawBody,
      attempt: delivery.attempts,
      status,
    });
    if (typeof status === 'number' && status >= 200 && status < 300) {
      this.settle();
      return;
    }
    if (delivery.attempts >= this.options.maxAttempts) {
      this.options.logger.warn({ webhookId: delivery.webhookId, topic: delivery.topic, attempts: delivery.attempts }, 'webhook delivery gave up after the last attempt');
      this.settle();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.startAttempt(delivery);
    }, this.options.retryDelayMs);
    this.timers.add(timer);
  }

  private async post(delivery: Delivery): Promise<number | 'error'> {
    const logFields = { webhookId: delivery.webhookId, topic: delivery.topic, attempt: delivery.attempts, url: delivery.url };
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.rawBody,
        signal: AbortSignal.any([AbortSignal.timeout(DELIVERY_TIMEOUT_MS), this.closing.signal]),
      });
      await response.body?.cancel();
      if (response.status < 200 || response.status >= 300) {
        this.options.logger.warn({ ...logFields, status: response.status }, 'webhook not delivered: the receiver responded with a non-2xx status');
      }
      return response.status;
    } catch (error) {
      if (!this.closed) this.options.logger.warn({ ...logFields, err: error }, `webhook not delivered: the POST failed or took more than ${DELIVERY_TIMEOUT_MS} ms`);
      return 'error';
    }
  }

  private settle(): void {
    if (this.pendingCount > 0) this.pendingCount--;
    if (this.pendingCount === 0) this.release();
  }

  private release(): void {
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
