import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { ResiliencePolicy, type ConnectionHealthReporter } from '../connectors/shared/resilience/index.js';

/** Builds the process-wide policy of marketplace calls from the MARKETPLACE_* settings. */
export function resiliencePolicyFromConfig(config: Config, deps: { health?: ConnectionHealthReporter; logger?: Logger } = {}): ResiliencePolicy {
  return new ResiliencePolicy(
    {
      maxAttempts: config.MARKETPLACE_MAX_ATTEMPTS,
      baseDelayMs: config.MARKETPLACE_RETRY_BASE_DELAY_MS,
      maxRetryAfterSeconds: config.MARKETPLACE_RETRY_AFTER_MAX_SECONDS,
      circuitFailureThreshold: config.MARKETPLACE_CIRCUIT_FAILURES,
      circuitCooldownMs: config.MARKETPLACE_CIRCUIT_COOLDOWN_MS,
    },
    deps,
  );
}
