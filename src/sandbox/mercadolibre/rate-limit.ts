import { PerSecondPeak } from '../shared/per-second.js';

/** Fixed one-second windows counting requests per application (client id). */
export class RateLimiter {
  private windowStart = -1;
  private readonly counts = new Map<string, number>();
  /** Requests per application per wall-clock second, rejected ones included. */
  readonly arrivals = new PerSecondPeak();

  constructor(private ratePerSecond: number) {
    this.setRate(ratePerSecond);
  }

  /** Sets the requests allowed per application per second; Infinity turns the limit off. */
  setRate(ratePerSecond: number): void {
    if (!(ratePerSecond >= 1)) {
      throw new Error(`Invalid ratePerSecond ${ratePerSecond}: use a number of 1 or more (Infinity turns the limit off).`);
    }
    this.ratePerSecond = ratePerSecond;
  }

  /** Counts one request of the application; returns false when it is over the rate in the current second. */
  tryAcquire(clientId: string, now: number): boolean {
    this.arrivals.count(clientId, now);
    const second = Math.floor(now / 1000);
    if (second !== this.windowStart) {
      this.windowStart = second;
      this.counts.clear();
    }
    const count = this.counts.get(clientId) ?? 0;
    if (count >= this.ratePerSecond) return false;
    this.counts.set(clientId, count + 1);
    return true;
  }
}
