import type { Logger } from 'pino';
import { webhookSignature } from './signing.js';
import type { WebhookAttempt, WebhookEnvelope } from './types.js';

export interface WebhookDelivery {
  url: string;
  appKey: string;
  appSecret: string;
  envelope: WebhookEnvelope;
  /**
   * Fields of `data` sent as bare JSON numbers although they hold ids longer than 2^53, as in
   * TikTok's PRODUCT_STATUS_CHANGE example. Receivers must read them from the raw text.
   */
  numericIdFields?: string[];
}

interface PendingDelivery {
  delivery: WebhookDelivery;
  rawBody: string;
  signature: string;
  attempts: number;
}

/** Writes the envelope as JSON, turning the listed id fields from strings into bare numbers. */
export function serializeEnvelope(envelope: WebhookEnvelope, numericIdFields: readonly string[] = []): string {
  let text = JSON.stringify(envelope);
  for (const field of numericIdFields) {
    text = text.replace(new RegExp(`"${field}":"(\\d+)"`, 'g'), `"${field}":$1`);
  }
  return text;
}

/**
 * Sends signed webhooks with TikTok's retry policy. A delivery counts only when the receiver responds
 * 200 within the timeout. Otherwise it is sent again after each delay in `retryDelaysMs`, with the
 * same body and notification id, and given up after the last. Failures are logged, never thrown.
 */
export class WebhookNotifier {
  readonly sent: WebhookAttempt[] = [];
  readonly failed: WebhookEnvelope[] = [];

  private pendingCount = 0;
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly idleWaiters: Array<() => void> = [];
  private readonly closing = new AbortController();

  constructor(private readonly options: { retryDelaysMs: readonly number[]; timeoutMs: number; logger: Logger }) {}

  enqueue(delivery: WebhookDelivery): void {
    if (this.closed) return;
    const rawBody = serializeEnvelope(delivery.envelope, delivery.numericIdFields);
    const pending: PendingDelivery = { delivery, rawBody, signature: webhookSignature(delivery.appKey, delivery.appSecret, rawBody), attempts: 0 };
    this.pendingCount++;
    this.startAttempt(pending);
  }

  pending(): number {
    return this.pendingCount;
  }

  flush(): Promise<void> {
    if (this.pendingCount === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops retries and aborts attempts in flight; pending webhooks are dropped. */
  close(): void {
    this.closed = true;
    this.closing.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.pendingCount = 0;
    this.releaseWaiters();
  }

  private startAttempt(pending: PendingDelivery): void {
    this.attempt(pending).catch((error: unknown) => {
      this.options.logger.error({ err: error, notificationId: pending.delivery.envelope.tts_notification_id }, 'webhook delivery failed unexpectedly');
      this.settle();
    });
  }

  private async attempt(pending: PendingDelivery): Promise<void> {
    pending.attempts++;
    const { delivery } = pending;
    const status = await this.post(pending);
    if (this.closed) return;
    this.sent.push({ url: delivery.url, envelope: delivery.envelope, rawBody: pending.rawBody, signature: pending.signature, status, attempt: pending.attempts });

    const logFields = { notificationId: delivery.envelope.tts_notification_id, type: delivery.envelope.type, attempt: pending.attempts };
    if (status === 200) {
      this.options.logger.debug(logFields, 'webhook delivered');
      this.settle();
      return;
    }
    const delay = this.options.retryDelaysMs[pending.attempts - 1];
    if (delay === undefined) {
      this.options.logger.warn(logFields, 'webhook retries exhausted; giving up');
      this.failed.push(delivery.envelope);
      this.settle();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.startAttempt(pending);
    }, delay);
    this.timers.add(timer);
  }

  private async post(pending: PendingDelivery): Promise<number | 'error'> {
    const { delivery } = pending;
    const logFields = { notificationId: delivery.envelope.tts_notification_id, attempt: pending.attempts, url: delivery.url };
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: pending.signature },
        body: pending.rawBody,
        signal: AbortSignal.any([AbortSignal.timeout(this.options.timeoutMs), this.closing.signal]),
      });
      await response.body?.cancel();
      if (response.status !== 200) {
        this.options.logger.warn({ ...logFields, status: response.status }, 'webhook not delivered: the receiver responded with a status other than 200');
      }
      return response.status;
    } catch (error) {
      if (!this.closed) {
        this.options.logger.warn({ ...logFields, err: error }, `webhook not delivered: the POST failed or took longer than ${this.options.timeoutMs} ms`);
      }
      return 'error';
    }
  }

  private settle(): void {
    if (this.pendingCount > 0) this.pendingCount--;
    if (this.pendingCount === 0) this.releaseWaiters();
  }

  private releaseWaiters(): void {
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
