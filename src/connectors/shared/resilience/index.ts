export { retryBackoff } from './backoff.js';
export { CircuitBreakerRegistry, type CircuitBreakerRegistryOptions, type CircuitStateName, type ConnectionHealthReporter } from './circuits.js';
export { isHealthFailure, isRetryable, isThrottled, isUnauthorized } from './classify.js';
export { DEFAULT_RESILIENCE_OPTIONS, resolveResilienceOptions, type ResilienceOptions } from './options.js';
export { defaultResiliencePolicy, ResiliencePolicy, type CallContext, type CallUsage, type MarketplaceCall } from './policy.js';
export { readRetryAfter, type RetryAfterReading } from './retry-after.js';
