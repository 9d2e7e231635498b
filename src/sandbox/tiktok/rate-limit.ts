import { PerSecondPeak } from '../shared/per-second.js';

/**
 * TikTok's quota model: a number of requests per second for each API, counted separately for
 * every app and shop pair. Fixed one-second windows.
 */
export class RateLimiter {
  private windowStart = -1;
  private readonly counts = new Map<string, number>();
  /** Requests per API, app and shop per wall-clock second, rejected ones included. */
  readonly arrivals = new PerSecondPeak();

  constructor(private ratePerSecond: number) {
    this.setRate(ratePerSecond);
  }

  /** Sets the requests allowed per API, app and shop per second; Infinity turns the limit off. */
  setRate(ratePerSecond: number): void {
    if (!(ratePerSecond >= 1)) {
      throw new Error(`Invalid ratePerSecond ${ratePerSecond}: use a number of 1 or more (Infinity turns the limit off).`);
    }
    this.ratePerSecond = ratePerSecond;
  }

  /** Counts one request; returns false when the key is over the rate in the current second. */
  tryAcquire(key: { appKey: string; shopCipher: string; api: string }, now: number): boolean {
    const second = Math.floor(now / 1000);
    if (second !== this.windowStart) {
      this.windowStart = second;
      this.counts.clear();
    }
    const name = `${key.appKey}\n${key.shopCipher}\n${key.api}`;
    this.arrivals.count(name, now);
    const count = this.counts.get(name) ?? 0;
    if (count >= this.ratePerSecond) return false;
    this.counts.set(name, count + 1);
    return true;
  }
}
