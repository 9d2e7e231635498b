import type { BackoffStrategy } from 'agenda';

/**
 * Thrown by a job handler (or by the queue for invalid job data) when running the job again
 * cannot help, for example when the marketplace connection was removed. The job is marked
 * failed at once, without the remaining attempts.
 */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

export interface RetryOptions {
  /** Total runs, the first one included; 1 means no retry. */
  attempts: number;
  /** Delay before the first retry; each later retry waits twice as long as the one before. */
  backoffMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 3, backoffMs: 10_000 };

/**
 * Builds Agenda's backoff strategy for a retry policy. Agenda calls it after each failure with
 * the failure count so far (`attempt`), reschedules the job after the returned delay, and marks
 * the job failed for good when it returns null, which happens after `attempts` runs whatever the
 * error. An error with `retryAfterSeconds` (a marketplace's Retry-After, or the time until an open
 * circuit breaker lets a test call through) delays the retry at least that long.
 */
export function exponentialRetry({ attempts, backoffMs }: RetryOptions): BackoffStrategy {
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new RangeError(`Invalid job retry attempts ${attempts}: use a whole number of 1 or more (1 means no retry).`);
  }
  if (!Number.isFinite(backoffMs) || backoffMs < 0) {
    throw new RangeError(`Invalid job retry backoffMs ${backoffMs}: use 0 or more milliseconds.`);
  }
  return ({ attempt, error }) => {
    if (error instanceof PermanentJobError || attempt >= attempts) return null;
    return Math.max(backoffMs * 2 ** (attempt - 1), requestedWaitMs(error));
  };
}

function requestedWaitMs(error: Error): number {
  const seconds = (error as Error & { retryAfterSeconds?: unknown }).retryAfterSeconds;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}
