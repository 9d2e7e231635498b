/**
 * Counts requests per key in wall-clock seconds (epoch ms / 1000, rounded down) and keeps the
 * highest count any key reached, rejected requests included. Benchmarks read it to show that
 * clients stayed within a per-second limit as the marketplace would count it.
 */
export class PerSecondPeak {
  private second = -1;
  private readonly counts = new Map<string, number>();
  private highest = 0;

  count(key: string, now: number): void {
    const second = Math.floor(now / 1000);
    if (second !== this.second) {
      this.second = second;
      this.counts.clear();
    }
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    if (count > this.highest) this.highest = count;
  }

  /** Highest number of requests one key received within one wall-clock second. */
  get peak(): number {
    return this.highest;
  }
}
