/** Settings of the shared marketplace call path: retries, backoff, Retry-After and circuit breakers. */
export interface ResilienceOptions {
  /** HTTP attempts per call, the first one included; 1 turns retries off. */
  maxAttempts: number;
  /**
   * Upper bound of the first backoff delay, in milliseconds. Each further retry doubles the bound,
   * and the delay is drawn at random between 0 and the bound (full jitter).
   */
  baseDelayMs: number;
  /** Upper bound of any backoff delay, in milliseconds. */
  maxDelayMs: number;
  /** Longest Retry-After honoured, in seconds; longer requests are clamped to it with a warning. */
  maxRetryAfterSeconds: number;
  /** Consecutive failed attempts (5xx, network error or timeout) that open a connection's circuit. */
  circuitFailureThreshold: number;
  /** How long an open circuit rejects calls before it lets one test call through, in milliseconds. */
  circuitCooldownMs: number;
}

export const DEFAULT_RESILIENCE_OPTIONS: Readonly<ResilienceOptions> = {
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
  maxRetryAfterSeconds: 60,
  circuitFailureThreshold: 5,
  circuitCooldownMs: 30_000,
};

/** Fills in the defaults and checks every value; raises RangeError naming the first invalid option. */
export function resolveResilienceOptions(overrides: Partial<ResilienceOptions> = {}): ResilienceOptions {
  const options: ResilienceOptions = { ...DEFAULT_RESILIENCE_OPTIONS };
  for (const [name, value] of Object.entries(overrides) as Array<[keyof ResilienceOptions, number | undefined]>) {
    if (value !== undefined) options[name] = value;
  }
  requireWhole('maxAttempts', options.maxAttempts, 1);
  requireWhole('circuitFailureThreshold', options.circuitFailureThreshold, 1);
  requireNumber('baseDelayMs', options.baseDelayMs, 0);
  requireNumber('maxDelayMs', options.maxDelayMs, 0);
  requireNumber('maxRetryAfterSeconds', options.maxRetryAfterSeconds, 0);
  requireNumber('circuitCooldownMs', options.circuitCooldownMs, 1);
  return options;
}

function requireWhole(name: keyof ResilienceOptions, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`Invalid resilience option ${name}: ${value}. Use a whole number of ${min} or more.`);
  }
}

function requireNumber(name: keyof ResilienceOptions, value: number, min: number): void {
  if (!Number.isFinite(value) || value < min) {
    throw new RangeError(`Invalid resilience option ${name}: ${value}. Use a number of ${min} or more.`);
  }
}
