/**
 * Reading of the Retry-After header (RFC 9110 section 10.2.3): either delay-seconds or an
 * HTTP-date. Marketplaces also send decimal seconds (Shopify sends `2.0`), which are rounded up.
 */

const SECONDS_PATTERN = /^\s*-?\d+(\.\d+)?\s*$/;

/** Reads Retry-After as seconds or as an HTTP date; returns undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: Date = new Date()): number | undefined {
  if (value === null || value.trim() === '') {
    return undefined;
  }
  if (SECONDS_PATTERN.test(value)) {
    const seconds = Number(value);
    return seconds < 0 ? undefined : Math.ceil(seconds);
  }
  const date = Date.parse(value);
  if (Number.isNaN(date)) {
    return undefined;
  }
  return Math.max(0, Math.ceil((date - now.getTime()) / 1000));
}

/** Wait that a Retry-After header requests, after the checks the retry loop applies. */
export interface RetryAfterReading {
  /** Seconds to wait before the next attempt; undefined when the retry falls back to exponential backoff. */
  seconds: number | undefined;
  /** Reason the header value was not used as sent; the caller logs it as a warning. */
  warning?: string;
}

/**
 * Turns a Retry-After header value into the wait before the next attempt. A missing header gives
 * no wait and no warning. A negative or unreadable value is ignored, so the caller backs off
 * instead. A date in the past means no wait. A wait above `maxSeconds` is clamped to it, because a
 * marketplace that requests an hour would otherwise hold a worker for that hour. Every value not
 * used as sent comes with a warning text that quotes it.
 */
export function readRetryAfter(value: string | null, options: { maxSeconds: number; now?: Date }): RetryAfterReading {
  if (value === null || value.trim() === '') {
    return { seconds: undefined };
  }
  const quoted = JSON.stringify(value.slice(0, 64));
  const clamp = (seconds: number, requested: string): RetryAfterReading =>
    seconds > options.maxSeconds
      ? { seconds: options.maxSeconds, warning: `Retry-After ${quoted} requests ${requested}, above the maximum of ${options.maxSeconds} s; waiting ${options.maxSeconds} s` }
      : { seconds };

  if (SECONDS_PATTERN.test(value)) {
    const seconds = Number(value);
    if (seconds < 0) {
      return { seconds: undefined, warning: `Retry-After ${quoted} is negative; using exponential backoff instead` };
    }
    return clamp(Math.ceil(seconds), `${Math.ceil(seconds)} s`);
  }

  const date = Date.parse(value);
  if (Number.isNaN(date)) {
    return { seconds: undefined, warning: `Retry-After ${quoted} is neither seconds nor an HTTP date; using exponential backoff instead` };
  }
  const seconds = Math.ceil((date - (options.now ?? new Date()).getTime()) / 1000);
  if (seconds < 0) {
    return { seconds: 0, warning: `Retry-After ${quoted} is a date in the past; retrying without waiting` };
  }
  return clamp(seconds, `${seconds} s from now`);
}
