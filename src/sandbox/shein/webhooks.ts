import type { Logger } from 'pino';
import { encryptFixedIv, randomAlphanumeric, sign } from './crypto.js';
import type { SheinEvent } from './events.js';
import type { WebhookAttempt } from './types.js';

export interface WebhookTarget {
  url: string;
  appId: string;
  appSecret: string;
  /** The seller's openKeyId for this app, sent as x-lt-openKeyId. */
  openKeyId: string;
}

export interface WebhookSenderOptions {
  maxAttempts: number;
  retryDelayMs: number;
  timeoutMs: number;
  now: () => number;
  logger: Logger;
}

/**
 * Sends event callbacks the way SHEIN does. The form field `eventData` is the event JSON,
 * AES-encrypted with the app secret and base64-encoded. The x-lt headers are signed with the appid
 * and app secret over the path of the receiving URL. A non-2xx response or a timeout is retried.
 * NOTE: SHEIN's retry policy and timeout are not published, so attempts and delays are options.
 */
export class WebhookSender {
  readonly sent: WebhookAttempt[] = [];
  readonly failed: SheinEvent[] = [];
  private pendingCount = 0;
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly idleWaiters: Array<() => void> = [];
  private readonly closing = new AbortController();

  constructor(private readonly options: WebhookSenderOptions) {}

  enqueue(target: WebhookTarget, event: SheinEvent): void {
    if (this.closed) return;
    this.pendingCount++;
    this.startAttempt(target, event, 1);
  }

  pending(): number {
    return this.pendingCount;
  }

  flush(): Promise<void> {
    if (this.pendingCount === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops retries and aborts attempts in flight; queued callbacks are dropped. */
  close(): void {
    this.closed = true;
    this.closing.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.pendingCount = 0;
    this.releaseWaiters();
  }

  private startAttempt(target: WebhookTarget, event: SheinEvent, attempt: number): void {
    this.attempt(target, event, attempt).catch((error: unknown) => {
      this.options.logger.error({ err: error, eventType: event.eventType }, 'event callback failed unexpectedly');
      this.settle();
    });
  }

  private async attempt(target: WebhookTarget, event: SheinEvent, attempt: number): Promise<void> {
    const body = new URLSearchParams({ eventData: encryptFixedIv(JSON.stringify(event), target.appSecret) }).toString();
    const timestamp = String(this.options.now());
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'x-lt-appid': target.appId,
      'x-lt-openKeyId': target.openKeyId,
      'x-lt-timestamp': timestamp,
      'x-lt-signature': sign(target.appId, target.appSecret, new URL(target.url).pathname, timestamp, randomAlphanumeric(5)),
    };
    const status = await this.post(target.url, headers, body, event);
    if (this.closed) return;
    this.sent.push({ url: target.url, event, attempt, status, headers, body });

    if (typeof status === 'number' && status >= 200 && status < 300) {
      this.settle();
      return;
    }
    if (attempt >= this.options.maxAttempts) {
      this.options.logger.warn({ eventType: event.eventType, url: target.url, attempts: attempt }, 'event callback given up after its last attempt');
      this.failed.push(event);
      this.settle();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.startAttempt(target, event, attempt + 1);
    }, this.options.retryDelayMs);
    this.timers.add(timer);
  }

  private async post(url: string, headers: Record<string, string>, body: string, event: SheinEvent): Promise<number | 'error'> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.any([AbortSignal.timeout(this.options.timeoutMs), this.closing.signal]),
      });
      await response.body?.cancel();
      if (response.status < 200 || response.status >= 300) {
        this.options.logger.warn({ eventType: event.eventType, url, status: response.status }, 'event callback receiver responded with a non-2xx status');
      }
      return response.status;
    } catch (error) {
      if (!this.closed) {
        this.options.logger.warn({ eventType: event.eventType, url, err: error }, `event callback POST failed or timed out after ${this.options.timeoutMs} ms`);
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

/** Queues an event for every app the seller has authorized that has a callback URL. */
export function notifySeller(
  deps: { webhooks: WebhookSender; logger: Logger; apps: Map<string, { appId: string; appSecret: string; webhookUrl?: string }> },
  keys: ReadonlyArray<{ appId: string; openKeyId: string }>,
  event: SheinEvent,
): void {
  let queued = 0;
  for (const key of keys) {
    const app = deps.apps.get(key.appId);
    if (!app?.webhookUrl) continue;
    deps.webhooks.enqueue({ url: app.webhookUrl, appId: app.appId, appSecret: app.appSecret, openKeyId: key.openKeyId }, event);
    queued++;
  }
  if (queued === 0) {
    deps.logger.debug({ supplierId: event.supplierId, eventType: event.eventType }, 'no authorized app with a callback URL; event not sent');
  }
}
