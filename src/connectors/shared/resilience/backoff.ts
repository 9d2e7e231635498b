import { DelegateBackoff, ExponentialBackoff, fullJitterGenerator, type IBackoff, type IBackoffFactory, type IRetryBackoffContext } from 'cockatiel';
import type { ResilienceOptions } from './options.js';

type RetryContext = IRetryBackoffContext<unknown>;

/**
 * Builds the delay before each retry of one call. When `requestedWaitSeconds` returns a value
 * (the marketplace's Retry-After, already clamped), the retry waits exactly that long. Otherwise
 * it waits a random time between 0 and `baseDelayMs` * 2^(retry - 1), capped at `maxDelayMs`
 * (exponential backoff with full jitter), so that many callers failing together do not retry in step.
 */
export function retryBackoff(
  options: Pick<ResilienceOptions, 'baseDelayMs' | 'maxDelayMs'>,
  requestedWaitSeconds: () => number | undefined,
): IBackoffFactory<RetryContext> {
  const jitter = new ExponentialBackoff({ generator: fullJitterGenerator, initialDelay: options.baseDelayMs, maxDelay: options.maxDelayMs });
  return new DelegateBackoff<RetryContext, IBackoff<unknown>>((context, previous) => {
    const backoff = previous ? previous.next(context) : jitter.next();
    const seconds = requestedWaitSeconds();
    return { delay: seconds === undefined ? backoff.duration : seconds * 1000, state: backoff };
  });
}
