import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { NotificationAttempt, NotificationPayload, NotificationTopic } from './types.js';

/** MercadoLibre counts a notification as delivered only when the receiver responds 200 within 500 ms. */
const DELIVERY_TIMEOUT_MS = 500;

export interface NotificationEvent {
  url: string;
  resource: string;
  userId: number;
  topic: NotificationTopic;
  applicationId: number;
}

interface Delivery {
  url: string;
  fields: Omit<NotificationPayload, 'attempts' | 'sent'>;
  attempts: number;
  firstAttemptAt: number;
}

/**
 * Sends notifications with retries. A failed attempt is repeated after `retryDelayMs` with
 * `attempts` increased. Once `retryWindowMs` has passed since the first attempt, the last payload
 * moves to `missed`. Delivery failures are logged, never thrown.
 */
export class Notifier {
  readonly sent: NotificationAttempt[] = [];
  readonly missed: NotificationPayload[] = [];

  private pendingCount = 0;
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly idleWaiters: Array<() => void> = [];
  private readonly closing = new AbortController();

  constructor(
    private readonly options: { retryWindowMs: number; retryDelayMs: number; logger: Logger },
  ) {}

  enqueue(event: NotificationEvent): void {
    if (this.closed) return;
    const delivery: Delivery = {
      url: event.url,
      fields: {
        _id: randomUUID(),
        resource: event.resource,
        user_id: event.userId,
        topic: event.topic,
        application_id: event.applicationId,
        received: new Date().toISOString(),
      },
      attempts: 0,
      firstAttemptAt: Date.now(),
    };
    this.pendingCount++;
    this.startAttempt(delivery);
  }

  pending(): number {
    return this.pendingCount;
  }

  /** Resolves once no notification is waiting for delivery or retry. */
  flush(): Promise<void> {
    if (this.pendingCount === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops retries and aborts attempts in flight; pending notifications are dropped. */
  close(): void {
    this.closed = true;
    this.closing.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.pendingCount = 0;
    this.releaseWaiters();
  }

  private startAttempt(delivery: Delivery): void {
    this.attempt(delivery).catch((error: unknown) => {
      this.options.logger.error({ err: error, notificationId: delivery.fields._id }, 'notification delivery failed unexpectedly');
      this.settle();
    });
  }

  private async attempt(delivery: Delivery): Promise<void> {
    delivery.attempts++;
    const payload: NotificationPayload = { ...delivery.fields, attempts: delivery.attempts, sent: new Date().toISOString() };
    const status = await this.post(delivery.url, payload);
    if (this.closed) return;

    this.sent.push({ payload, status, attempt: delivery.attempts });
    if (status === 200) {
      this.options.logger.debug({ notificationId: payload._id, topic: payload.topic, attempt: delivery.attempts }, 'notification delivered');
      this.settle();
      return;
    }

    const nextAttemptAt = Date.now() + this.options.retryDelayMs;
    if (nextAttemptAt - delivery.firstAttemptAt > this.options.retryWindowMs) {
      this.options.logger.warn(
        { notificationId: payload._id, topic: payload.topic, resource: payload.resource, attempts: delivery.attempts },
        'notification retry window passed; moved to missed_feeds',
      );
      this.missed.push(payload);
      this.settle();
      return;
    }

    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.startAttempt(delivery);
    }, this.options.retryDelayMs);
    this.timers.add(timer);
  }

  /** POSTs one attempt and returns the response status, or 'error' on a network failure or timeout. */
  private async post(url: string, payload: NotificationPayload): Promise<number | 'error'> {
    const logFields = { notificationId: payload._id, topic: payload.topic, attempt: payload.attempts, url };
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.any([AbortSignal.timeout(DELIVERY_TIMEOUT_MS), this.closing.signal]),
      });
      // The body is not needed; cancelling it releases the connection.
      await response.body?.cancel();
      if (response.status !== 200) {
        this.options.logger.warn({ ...logFields, status: response.status }, 'notification not delivered: the receiver responded with a status other than 200');
      }
      return response.status;
    } catch (error) {
      if (!this.closed) {
        this.options.logger.warn({ ...logFields, err: error }, `notification not delivered: the POST failed or timed out after ${DELIVERY_TIMEOUT_MS} ms`);
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
