import { handleWhen, isBrokenCircuitError, isIsolatedCircuitError, retry, type CircuitBreakerPolicy } from 'cockatiel';
import type { Logger } from 'pino';
import { MarketplaceError, marketplaceName } from '../errors.js';
import type { HttpResponse } from '../http.js';
import type { CallOutcome, TrafficControl } from '../traffic.js';
import type { AccessTokenSource, Marketplace } from '../types.js';
import { retryBackoff } from './backoff.js';
import { CircuitBreakerRegistry, type ConnectionHealthReporter } from './circuits.js';
import { isHealthFailure, isRetryable, isThrottled, isUnauthorized } from './classify.js';
import { resolveResilienceOptions, type ResilienceOptions } from './options.js';
import { readRetryAfter } from './retry-after.js';

/** Connection, token source and hooks of a client; one context serves every call of the client. */
export interface CallContext {
  marketplace: Marketplace;
  /** Our id of the connection; keys its circuit breaker. Calls without it (during authorization) have no circuit. */
  connectionId?: string;
  /** Required unless every call of the context has `authenticated: false`. */
  tokens?: AccessTokenSource;
  traffic?: TrafficControl;
  logger?: Logger;
  /** Called once per HTTP attempt, just before it is sent. */
  onAttempt?: () => void;
}

/** Usage the marketplace reported in a response, passed on to the traffic control. */
export type CallUsage = Pick<CallOutcome, 'actualCost' | 'throttleStatus'>;

/** One marketplace request, described so that the call path can send it as often as needed. */
export interface MarketplaceCall<T> {
  /** `METHOD /path` without the query string, for logs and errors. */
  operation: string;
  /** Coarse endpoint name for rate limits and usage, such as `items.read`. */
  endpointClass: string;
  /** Requested cost for the traffic control: Shopify's query cost, 1 (the default) elsewhere. */
  cost?: number;
  /**
   * True when sending the request twice has the effect of sending it once: reads, absolute
   * stock sets, and writes that carry an idempotency key fixed before the first attempt.
   */
  idempotent: boolean;
  /** False for requests that carry no access token, such as signed download links; default true. */
  authenticated?: boolean;
  signal?: AbortSignal;
  /** Sends one HTTP attempt. The token is null for unauthenticated calls. */
  send(accessToken: string | null, signal: AbortSignal | undefined): Promise<HttpResponse>;
  /** Returns the result of a response, or throws the MarketplaceError the response maps to. */
  read(response: HttpResponse, accessToken: string | null): T;
  /** Reads the usage the marketplace reported in a response, such as Shopify's actual query cost. */
  usageOf?(response: HttpResponse): CallUsage | undefined;
}

type AttemptOutcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** State of one call across its attempts. */
interface CallState {
  token: string | null;
  renewed: boolean;
  attempts: number;
  /** Wait the last failed attempt asked for, in seconds; undefined means exponential backoff. */
  retryAfterSeconds: number | undefined;
}

/**
 * The path every marketplace request of the connector clients takes. Per attempt: the circuit
 * check, a permit from the traffic control, the HTTP request (whose timeout JsonHttpClient owns)
 * and the permit's settlement. Per call: retries of network errors, timeouts, 429 and 5xx with
 * exponential backoff and full jitter or the marketplace's Retry-After, at most `maxAttempts`
 * attempts, and one token renewal with one more attempt when the marketplace rejects the token.
 *
 * NOTE: cockatiel 4.0.0 does not cut a backoff wait short when the call's signal aborts. The call
 * stops only after the wait, which lasts at most `maxDelayMs` or `maxRetryAfterSeconds`.
 */
export class ResiliencePolicy {
  readonly options: ResilienceOptions;
  /** The circuit of every connection this policy has called for. */
  readonly circuits: CircuitBreakerRegistry;

  constructor(options: Partial<ResilienceOptions> = {}, deps: { health?: ConnectionHealthReporter; logger?: Logger } = {}) {
    this.options = resolveResilienceOptions(options);
    this.circuits = new CircuitBreakerRegistry({
      failureThreshold: this.options.circuitFailureThreshold,
      cooldownMs: this.options.circuitCooldownMs,
      health: deps.health,
      logger: deps.logger,
    });
  }

  async execute<T>(context: CallContext, call: MarketplaceCall<T>): Promise<T> {
    const state: CallState = { token: null, renewed: false, attempts: 0, retryAfterSeconds: undefined };
    if (call.authenticated !== false) {
      if (!context.tokens) throw new TypeError(`${call.operation} needs an access token source, but the call context has none.`);
      state.token = await context.tokens.getAccessToken();
    }
    const breaker = context.connectionId === undefined ? undefined : this.circuits.breakerFor(context.connectionId, context.logger);
    const retries = retry(handleWhen((error) => isRetryable(error, call.idempotent)), {
      maxAttempts: this.options.maxAttempts - 1,
      backoff: retryBackoff(this.options, () => state.retryAfterSeconds),
    });
    retries.onRetry((event) => {
      const error = 'error' in event ? event.error : undefined;
      context.logger?.info({ ...describeFailure(error), operation: call.operation, nextAttempt: event.attempt + 1, delayMs: Math.round(event.delay) }, 'retrying marketplace call');
    });
    retries.onGiveUp((event) => {
      const error = 'error' in event ? event.error : undefined;
      context.logger?.warn({ ...describeFailure(error), operation: call.operation, attempts: state.attempts }, 'marketplace call failed on every attempt');
    });
    return retries.execute(() => this.attemptWithRenewal(context, call, state, breaker), call.signal);
  }

  /** Runs one attempt; after a rejected token, renews it once per call and runs one more. */
  private async attemptWithRenewal<T>(context: CallContext, call: MarketplaceCall<T>, state: CallState, breaker: CircuitBreakerPolicy | undefined): Promise<T> {
    let outcome = await this.guardedAttempt(context, call, state, breaker);
    const renew = context.tokens?.renewAfterUnauthorized?.bind(context.tokens);
    if (!outcome.ok && isUnauthorized(outcome.error) && !state.renewed && state.token !== null && renew) {
      state.renewed = true;
      context.logger?.info({ operation: call.operation, code: outcome.error.code }, 'access token rejected; renewing it and sending the call once more');
      state.token = await renew(state.token);
      outcome = await this.guardedAttempt(context, call, state, breaker);
    }
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  private async guardedAttempt<T>(context: CallContext, call: MarketplaceCall<T>, state: CallState, breaker: CircuitBreakerPolicy | undefined): Promise<AttemptOutcome<T>> {
    if (!breaker) return this.attempt(context, call, state);
    try {
      return await breaker.execute(() => this.attempt(context, call, state), call.signal);
    } catch (error) {
      if (isBrokenCircuitError(error) || isIsolatedCircuitError(error)) throw this.circuitOpenError(context);
      throw error;
    }
  }

  /**
   * Sends one HTTP attempt. Throws only the failures that count against the circuit (5xx, network
   * error, timeout) and aborts. Other errors come back as values, because a server that responds
   * with a 4xx is healthy.
   */
  private async attempt<T>(context: CallContext, call: MarketplaceCall<T>, state: CallState): Promise<AttemptOutcome<T>> {
    call.signal?.throwIfAborted();
    state.retryAfterSeconds = undefined;
    const permit = await context.traffic?.acquire({ endpointClass: call.endpointClass, cost: call.cost ?? 1 }, call.signal);
    state.attempts += 1;
    context.onAttempt?.();
    const startedAt = performance.now();
    let response: HttpResponse;
    try {
      response = await call.send(state.token, call.signal);
    } catch (error) {
      permit?.settle({ status: null, latencyMs: elapsedSince(startedAt) });
      throw error;
    }

    const latencyMs = elapsedSince(startedAt);
    const headerWait = response.status === 429 || response.status >= 500 ? this.headerWait(response, context, call) : undefined;
    permit?.settle({ status: response.status, latencyMs, ...call.usageOf?.(response), retryAfterSeconds: headerWait });
    try {
      return { ok: true, value: call.read(response, state.token) };
    } catch (error) {
      // A header that was sent decides alone, even when unusable, so one response gives at most one warning.
      state.retryAfterSeconds = response.headers.has('retry-after') ? headerWait : this.reportedWait(error, context, call);
      if (isHealthFailure(error)) throw error;
      return { ok: false, error };
    }
  }

  /** Reads the Retry-After header of a 429 or 5xx, clamped, and logs a value that was not used as sent. */
  private headerWait(response: HttpResponse, context: CallContext, call: MarketplaceCall<unknown>): number | undefined {
    const raw = response.headers.get('retry-after');
    const reading = readRetryAfter(raw, { maxSeconds: this.options.maxRetryAfterSeconds });
    if (reading.warning) {
      context.logger?.warn({ marketplace: context.marketplace, operation: call.operation, status: response.status, retryAfter: raw, waitSeconds: reading.seconds }, reading.warning);
    }
    return reading.seconds;
  }

  /** Returns the clamped wait a mapped error carries without a header (Shopify computes it from the cost bucket). */
  private reportedWait(error: unknown, context: CallContext, call: MarketplaceCall<unknown>): number | undefined {
    if (!(error instanceof MarketplaceError)) return undefined;
    const seconds = error.retryAfterSeconds;
    if (seconds === undefined) {
      if (isThrottled(error)) {
        context.logger?.warn({ marketplace: context.marketplace, operation: call.operation, status: error.status }, 'throttled response without Retry-After; using exponential backoff');
      }
      return undefined;
    }
    if (seconds > this.options.maxRetryAfterSeconds) {
      context.logger?.warn(
        { marketplace: context.marketplace, operation: call.operation, requestedSeconds: seconds, waitSeconds: this.options.maxRetryAfterSeconds },
        `the marketplace asked to wait ${seconds} s, above the maximum of ${this.options.maxRetryAfterSeconds} s; waiting the maximum`,
      );
      return this.options.maxRetryAfterSeconds;
    }
    return Math.max(0, seconds);
  }

  private circuitOpenError(context: CallContext): MarketplaceError {
    const connectionId = context.connectionId ?? '(none)';
    const seconds = this.circuits.secondsUntilHalfOpen(connectionId);
    return new MarketplaceError(
      context.marketplace,
      `${marketplaceName(context.marketplace)} calls for connection ${connectionId} are paused because its circuit is open after repeated ` +
        `failures (5xx, network errors or timeouts). A test call goes out in about ${seconds} s; retry after that.`,
      { kind: 'transient', code: 'circuit_open', retryAfterSeconds: seconds },
    );
  }
}

let sharedPolicy: ResiliencePolicy | undefined;

/** Returns the policy with default options for clients built without one; its circuits have no health reporter. */
export function defaultResiliencePolicy(): ResiliencePolicy {
  sharedPolicy ??= new ResiliencePolicy();
  return sharedPolicy;
}

function elapsedSince(startedAt: number): number {
  return Math.round(performance.now() - startedAt);
}

function describeFailure(error: unknown): Record<string, unknown> {
  if (error instanceof MarketplaceError) return { kind: error.kind, status: error.status, code: error.code };
  return { error: error instanceof Error ? error.name : String(error) };
}
