import { circuitBreaker, CircuitState, ConsecutiveBreaker, handleWhen, type CircuitBreakerPolicy, type FailureReason } from 'cockatiel';
import type { Logger } from 'pino';
import { isHealthFailure } from './classify.js';

/** Receiver of the circuit changes of connections; the application stores them and publishes them to subscribers. */
export interface ConnectionHealthReporter {
  /** Called when a connection's circuit opens. Must be safe to call again for a connection already degraded. */
  markDegraded(connectionId: string, reason: string): Promise<void>;
  /**
   * Called when a circuit closes after a successful test call, and after the first successful
   * call of a connection in this process, which clears a mark left by an earlier process. Must be
   * safe to call for a connection that is not degraded.
   */
  markRecovered(connectionId: string): Promise<void>;
}

export type CircuitStateName = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerRegistryOptions {
  failureThreshold: number;
  cooldownMs: number;
  health?: ConnectionHealthReporter;
  /** Logs circuit changes and failed health reports of circuits created without a caller's logger. */
  logger?: Logger;
}

interface ConnectionCircuit {
  breaker: CircuitBreakerPolicy;
  /** Epoch milliseconds of the last opening, while open. */
  openedAt: number | null;
  /** Whether a successful call was already reported as recovery in this process. */
  reportedHealthy: boolean;
}

const STATE_NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: 'open',
};

const MAX_REASON_LENGTH = 500;

/**
 * One circuit breaker per connection, kept for the life of the process. A circuit opens after
 * `failureThreshold` consecutive failed attempts (5xx, network error or timeout), rejects calls
 * while open, and after `cooldownMs` lets one test call through: its success closes the circuit,
 * its failure opens it again for another cooldown.
 *
 * NOTE: circuits live in one process. Each worker opens its own, and the degraded mark in the
 * database is shared, so one worker's recovery clears the mark while another worker's circuit
 * may still be open.
 */
export class CircuitBreakerRegistry {
  private readonly circuits = new Map<string, ConnectionCircuit>();
  // Health reports per connection, chained so that they reach the reporter in the order they happened.
  private readonly reports = new Map<string, Promise<void>>();

  constructor(private readonly options: CircuitBreakerRegistryOptions) {}

  /** Returns the connection's circuit breaker, creating it on first use. */
  breakerFor(connectionId: string, logger?: Logger): CircuitBreakerPolicy {
    return this.circuitFor(connectionId, logger).breaker;
  }

  state(connectionId: string): CircuitStateName {
    const circuit = this.circuits.get(connectionId);
    return circuit ? STATE_NAMES[circuit.breaker.state] : 'closed';
  }

  /** Seconds until an open circuit lets a test call through; 0 when it is not open. */
  secondsUntilHalfOpen(connectionId: string, now: number = Date.now()): number {
    const openedAt = this.circuits.get(connectionId)?.openedAt;
    if (openedAt === null || openedAt === undefined) return 0;
    return Math.max(0, Math.ceil((openedAt + this.options.cooldownMs - now) / 1000));
  }

  /** Resolves when every health report started so far has finished (failed ones are logged). */
  async settled(): Promise<void> {
    await Promise.all([...this.reports.values()]);
  }

  private circuitFor(connectionId: string, callerLogger: Logger | undefined): ConnectionCircuit {
    const existing = this.circuits.get(connectionId);
    if (existing) return existing;

    const logger = callerLogger ?? this.options.logger;
    const breaker = circuitBreaker(handleWhen(isHealthFailure), {
      halfOpenAfter: this.options.cooldownMs,
      breaker: new ConsecutiveBreaker(this.options.failureThreshold),
    });
    const circuit: ConnectionCircuit = { breaker, openedAt: null, reportedHealthy: false };

    breaker.onBreak((reason) => {
      const halfOpenFailed = circuit.openedAt !== null;
      circuit.openedAt = Date.now();
      const cause = 'error' in reason ? describe(reason) : 'the circuit was opened by hand';
      const text = halfOpenFailed
        ? `The test call after the cooldown failed: ${cause}`
        : `${this.options.failureThreshold} marketplace calls in a row failed; the last one: ${cause}`;
      logger?.warn({ connectionId, cooldownMs: this.options.cooldownMs }, `circuit opened: ${text}`);
      this.report(connectionId, logger, (health) => health.markDegraded(connectionId, text.slice(0, MAX_REASON_LENGTH)));
    });
    breaker.onHalfOpen(() => {
      logger?.info({ connectionId }, 'circuit half-open: sending one test call');
    });
    breaker.onReset(() => {
      circuit.openedAt = null;
      circuit.reportedHealthy = true;
      logger?.info({ connectionId }, 'circuit closed: the test call succeeded');
      this.report(connectionId, logger, (health) => health.markRecovered(connectionId));
    });
    breaker.onSuccess(() => {
      if (circuit.reportedHealthy || breaker.state !== CircuitState.Closed) return;
      circuit.reportedHealthy = true;
      this.report(connectionId, logger, (health) => health.markRecovered(connectionId));
    });

    this.circuits.set(connectionId, circuit);
    return circuit;
  }

  private report(connectionId: string, logger: Logger | undefined, send: (health: ConnectionHealthReporter) => Promise<void>): void {
    const health = this.options.health;
    if (!health) return;
    const previous = this.reports.get(connectionId) ?? Promise.resolve();
    const next = previous.then(() => send(health)).catch((error: unknown) => {
      logger?.error({ err: error, connectionId }, 'failed to record a circuit change as connection health');
    });
    this.reports.set(connectionId, next);
  }
}

function describe(reason: FailureReason<unknown>): string {
  if (!('error' in reason)) return 'unexpected result';
  return reason.error instanceof Error ? reason.error.message : String(reason.error);
}
