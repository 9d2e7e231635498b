import type { Logger } from 'pino';
import type { SyncEvent } from '../services.js';

/** How many dropped events pass between two repeated overflow warnings of one subscription. */
const DROP_WARNING_EVERY = 100;

export interface EventSubscriptionOptions {
  tenantId: string;
  filter?: (event: SyncEvent) => boolean;
  /** Maximum number of events held for a slow consumer; past it the oldest are dropped. */
  maxBuffered: number;
  logger: Logger;
  /** Called once when the subscription ends, so the owner can stop delivering to it. */
  onClose: (subscription: EventSubscription) => void;
}

/**
 * One tenant's stream of sync events. `deliver` is called for every event of every tenant;
 * the subscription keeps the matching ones in a bounded buffer until `next()` takes them.
 * `return()` ends the stream at once, also while `next()` calls are waiting.
 */
export class EventSubscription implements AsyncIterableIterator<SyncEvent> {
  private readonly buffer: SyncEvent[] = [];
  /** Resolvers of `next()` calls waiting for an event, oldest first. */
  private readonly waiters: Array<(result: IteratorResult<SyncEvent>) => void> = [];
  private closed = false;
  private dropped = 0;

  constructor(private readonly options: EventSubscriptionOptions) {}

  get tenantId(): string {
    return this.options.tenantId;
  }

  /** Number of events dropped because the consumer fell more than `maxBuffered` behind. */
  get droppedCount(): number {
    return this.dropped;
  }

  deliver(event: SyncEvent): void {
    if (this.closed || event.tenantId !== this.options.tenantId) return;
    if (!this.passesFilter(event)) return;

    const waiter = this.waiters.shift();
    if (waiter) {
      waiter({ value: event, done: false });
      return;
    }

    this.buffer.push(event);
    if (this.buffer.length > this.options.maxBuffered) {
      const oldest = this.buffer.shift();
      this.dropped += 1;
      if (this.dropped === 1 || this.dropped % DROP_WARNING_EVERY === 0) {
        this.options.logger.warn(
          { tenantId: this.options.tenantId, droppedEventId: oldest?.id, droppedTotal: this.dropped, maxBuffered: this.options.maxBuffered },
          'Sync event subscriber is too slow; dropped the oldest buffered event',
        );
      }
    }
  }

  next(): Promise<IteratorResult<SyncEvent>> {
    const event = this.buffer.shift();
    if (event) return Promise.resolve({ value: event, done: false });
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiters.push(resolve);
    });
  }

  return(): Promise<IteratorResult<SyncEvent>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<SyncEvent>> {
    this.close();
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Ends the stream: waiting `next()` calls resolve as done and buffered events are discarded. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.buffer.length = 0;
    for (const waiter of this.waiters.splice(0)) {
      waiter({ value: undefined, done: true });
    }
    this.options.onClose(this);
  }

  private passesFilter(event: SyncEvent): boolean {
    if (!this.options.filter) return true;
    try {
      return this.options.filter(event);
    } catch (error) {
      this.options.logger.error({ err: error, tenantId: this.options.tenantId, eventId: event.id }, 'Sync event filter threw; skipped the event');
      return false;
    }
  }
}
