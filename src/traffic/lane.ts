import type { Logger } from 'pino';
import type { BucketLimit } from './limits.js';
import type { RateLimitStore, SettleRequest } from './store.js';

/** Time a waiter registration stays valid without a refresh. A crashed process's rows expire after it. */
export const WAITER_LEASE_MS = 3000;
/** Maximum time a lane sleeps between takes, so that its registration is refreshed well within the lease. */
const MAX_SLEEP_MS = 1000;
/**
 * How long a token reserved for another process's tenant may stay unused before this process takes
 * it. Lanes wake at the token's ready time, so a reserved token is normally taken within a few ms.
 */
const GRACE_MS = 50;

interface Waiter {
  tenantId: string;
  weight: number;
  cost: number;
  /** Arrival order, so that buckets without fairness serve their waiters first come, first served. */
  sequence: number;
  resolve(): void;
  reject(error: unknown): void;
}

export interface LaneOptions {
  limit: Omit<BucketLimit, 'cost'>;
  store: RateLimitStore;
  holder: string;
  logger: Logger;
  /** Builds the error waiters receive when the shared state cannot be reached. */
  unavailableError(cause: unknown): Error;
}

/**
 * The calls one process has waiting on one bucket. A single loop per lane requests a token from
 * PostgreSQL, hands it to the granted tenant's oldest waiter, and otherwise sleeps until the time the
 * database computed. Waiting calls so cost one query per token, not one per call per poll.
 */
export class BucketLane {
  private readonly queues = new Map<string, Waiter[]>();
  private sequence = 0;
  private size = 0;
  private running: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private stopped: Error | null = null;
  /** Cost granted to this process's calls that are not settled yet. */
  private inFlight = 0;
  private readonly settlements = new Set<Promise<void>>();

  constructor(private readonly options: LaneOptions) {}

  /** Resolves when a token is granted for this call. Rejects with the signal's reason when aborted. */
  wait(tenantId: string, cost: number, weight: number, signal?: AbortSignal): Promise<void> {
    if (this.stopped) return Promise.reject(this.stopped);
    if (signal?.aborted) return Promise.reject(signal.reason);

    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        if (this.remove(waiter)) reject(signal?.reason);
      };
      const waiter: Waiter = {
        tenantId,
        weight,
        cost,
        sequence: this.sequence++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });

      const queue = this.queues.get(tenantId);
      if (queue) {
        queue.push(waiter);
      } else {
        this.queues.set(tenantId, [waiter]);
        // A tenant new to this lane must be registered before the next token is shared out.
        if (this.options.limit.fair) this.poke();
      }
      this.size += 1;
      this.start();
    });
  }

  /**
   * Applies a granted call's outcome. `build` receives the cost of this process's other calls still
   * in flight, which the marketplace may not have charged yet when it reported its bucket.
   */
  settle(cost: number, build: (inFlightElsewhere: number) => SettleRequest | null): void {
    this.inFlight = Math.max(0, this.inFlight - cost);
    const request = build(this.inFlight);
    if (!request) return;
    const pending = this.options.store
      .settle(request)
      .then(() => this.poke())
      .catch((error: unknown) => {
        this.options.logger.warn({ err: error, bucket: request.key }, 'applying a call outcome to the rate limit state failed, so the bucket resynchronizes on a later response');
      })
      .finally(() => this.settlements.delete(pending));
    this.settlements.add(pending);
  }

  /** Resolves when every settlement started so far has been applied. */
  async whenSettled(): Promise<void> {
    await Promise.all([...this.settlements]);
  }

  /** Ends a sleep early, because a refund or a new tenant may make a token available sooner. */
  poke(): void {
    this.wake?.();
  }

  /** Rejects every waiter with `reason`, then waits for the loop and the pending settlements to end. */
  async stop(reason: Error): Promise<void> {
    this.stopped = reason;
    this.rejectAll(reason);
    this.poke();
    await this.running;
    await this.whenSettled();
  }

  private start(): void {
    if (this.running || this.stopped) return;
    this.running = this.run()
      .catch((error: unknown) => {
        this.options.logger.error({ err: error, bucket: this.options.limit.key }, 'rate limit lane failed, so the waiting calls were rejected');
        this.rejectAll(this.options.unavailableError(error));
      })
      .finally(() => {
        this.running = null;
        // Waiters that arrived while the loop was releasing its registration need a new loop.
        if (this.size > 0) this.start();
      });
  }

  private async run(): Promise<void> {
    const { limit, store, holder } = this.options;
    while (this.size > 0 && !this.stopped) {
      // A take must see the outcomes this process already reported, such as a lower reported bucket or a 429 block.
      await this.whenSettled();
      let result;
      try {
        result = await store.take({
          key: limit.key,
          capacity: limit.capacity,
          refillPerSecond: limit.refillPerSecond,
          fair: limit.fair,
          holder,
          tenants: this.offer(),
          graceMs: GRACE_MS,
          leaseMs: WAITER_LEASE_MS,
        });
      } catch (error) {
        this.options.logger.error({ err: error, bucket: limit.key, waiting: this.size }, 'rate limit query failed, so the waiting calls were rejected');
        this.rejectAll(this.options.unavailableError(error));
        break;
      }
      if (result.granted) {
        this.grant(result.tenantId);
      } else {
        await this.sleep(result.waitMs);
      }
    }
    if (limit.fair) await this.release();
  }

  /** Tenants with waiting calls. Without fairness only the oldest waiter is offered. */
  private offer(): Array<{ tenantId: string; waiting: number; weight: number; headCost: number }> {
    if (!this.options.limit.fair) {
      const head = this.oldestWaiter();
      return head ? [{ tenantId: head.tenantId, waiting: 1, weight: head.weight, headCost: head.cost }] : [];
    }
    const offer = [];
    for (const [tenantId, queue] of this.queues) {
      const head = queue[0];
      if (head) offer.push({ tenantId, waiting: queue.length, weight: head.weight, headCost: head.cost });
    }
    return offer;
  }

  private grant(tenantId: string): void {
    // The granted tenant's waiter may have been aborted during the query. The token then goes to
    // the oldest waiter, because it is already spent.
    const waiter = this.queues.get(tenantId)?.[0] ?? this.oldestWaiter();
    if (!waiter) return;
    this.remove(waiter);
    this.inFlight += waiter.cost;
    waiter.resolve();
  }

  private oldestWaiter(): Waiter | undefined {
    let oldest: Waiter | undefined;
    for (const queue of this.queues.values()) {
      const head = queue[0];
      if (head && (!oldest || head.sequence < oldest.sequence)) oldest = head;
    }
    return oldest;
  }

  private remove(waiter: Waiter): boolean {
    const queue = this.queues.get(waiter.tenantId);
    const index = queue?.indexOf(waiter) ?? -1;
    if (!queue || index < 0) return false;
    queue.splice(index, 1);
    if (queue.length === 0) this.queues.delete(waiter.tenantId);
    this.size -= 1;
    return true;
  }

  private rejectAll(error: Error): void {
    const waiters = [...this.queues.values()].flat();
    this.queues.clear();
    this.size = 0;
    for (const waiter of waiters) waiter.reject(error);
  }

  /** Sleeps `waitMs` plus up to 2 ms of jitter, so lanes of several processes do not query in lockstep. */
  private sleep(waitMs: number): Promise<void> {
    const jitter = Math.random() * Math.min(2, waitMs * 0.05);
    const delay = Math.max(1, Math.min(MAX_SLEEP_MS, Math.ceil(waitMs + jitter)));
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, delay);
      this.wake = done;
    });
  }

  private async release(): Promise<void> {
    try {
      await this.options.store.releaseHolder(this.options.holder, this.options.limit.key);
    } catch (error) {
      // The rows expire with their lease. Until then other processes may hold a token back for up to the grace period.
      this.options.logger.warn({ err: error, bucket: this.options.limit.key }, 'removing the waiter registration failed, so it stays until its lease expires');
    }
  }
}
