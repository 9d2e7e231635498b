import { PerSecondPeak } from '../shared/per-second.js';

/**
 * Minimum spacing between accepted calls of one seller. SHEIN publishes no numbers; integrators
 * space calls at least 150 ms apart and see 832213 / HTTP 429 when they do not.
 * NOTE: the real limiter's model is unknown; spacing per seller is what integrators code against.
 */
export class SpacingLimiter {
  private readonly lastAccepted = new Map<number, number>();
  /** Calls per seller per wall-clock second, rejected ones included. */
  readonly arrivals = new PerSecondPeak();

  constructor(private spacingMs: number) {
    this.setSpacing(spacingMs);
  }

  /** Sets the minimum spacing in milliseconds; 0 turns the limit off. */
  setSpacing(spacingMs: number): void {
    if (!(Number.isFinite(spacingMs) && spacingMs >= 0)) {
      throw new Error(`Invalid request spacing ${spacingMs}: use 0 or more milliseconds.`);
    }
    this.spacingMs = spacingMs;
  }

  /** Counts one call of the seller; returns false when it comes too soon after the last accepted one. */
  tryAcquire(supplierId: number, now: number): boolean {
    this.arrivals.count(String(supplierId), now);
    const last = this.lastAccepted.get(supplierId);
    if (this.spacingMs > 0 && last !== undefined && now - last < this.spacingMs) return false;
    this.lastAccepted.set(supplierId, now);
    return true;
  }
}
