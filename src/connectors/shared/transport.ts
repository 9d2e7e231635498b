import type { Logger } from 'pino';
import type { z } from 'zod';
import { parseResponseBody } from './errors.js';
import { JsonHttpClient, type HttpResponseHook } from './http.js';
import { defaultResiliencePolicy, type CallContext, type MarketplaceCall, type ResiliencePolicy } from './resilience/index.js';
import type { TrafficControl } from './traffic.js';
import type { AccessTokenSource, Marketplace } from './types.js';

/** Options every connector client takes for its call path, besides its marketplace configuration. */
export interface MarketplaceClientOptions {
  tokenSource: AccessTokenSource;
  logger?: Logger;
  /** Called after every response, for usage metering. */
  onResponse?: HttpResponseHook;
  /** Called once per HTTP request sent, before the response arrives. */
  onApiCall?: () => void;
  /** Our id of the connection, which keys its circuit breaker; absent while authorizing. */
  connectionId?: string;
  traffic?: TrafficControl;
  /** Retries and circuit breakers; the process-wide default policy when not given. */
  resilience?: ResiliencePolicy;
}

export interface MarketplaceTransportOptions extends MarketplaceClientOptions {
  marketplace: Marketplace;
  baseUrl: string;
  /** Per-attempt timeout in milliseconds; JsonHttpClient's default when not given. */
  timeoutMs?: number;
}

/**
 * The JSON client, call context and resilience policy of one connector client. Every call it
 * executes goes through the policy (retries, circuit breaker, traffic control) and is counted in
 * `apiCalls` and reported to `onApiCall` once per HTTP attempt.
 */
export class MarketplaceTransport {
  /** HTTP requests sent, failed ones included, so sync runs can report API calls spent. */
  apiCalls = 0;
  readonly marketplace: Marketplace;
  readonly http: JsonHttpClient;
  readonly resilience: ResiliencePolicy;
  readonly context: CallContext;

  constructor(options: MarketplaceTransportOptions) {
    this.marketplace = options.marketplace;
    this.resilience = options.resilience ?? defaultResiliencePolicy();
    this.context = {
      marketplace: options.marketplace,
      connectionId: options.connectionId,
      tokens: options.tokenSource,
      traffic: options.traffic,
      logger: options.logger,
      onAttempt: () => {
        this.apiCalls += 1;
        options.onApiCall?.();
      },
    };
    this.http = new JsonHttpClient({
      marketplace: options.marketplace,
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs,
      onResponse: options.onResponse,
      logger: options.logger,
    });
  }

  execute<T>(call: MarketplaceCall<T>): Promise<T> {
    return this.resilience.execute(this.context, call);
  }

  /**
   * Validates a response body, or a value taken from inside one when `pathPrefix` names where it
   * sits, so that errors name the field relative to the whole response.
   */
  parse<S extends z.ZodType>(schema: S, value: unknown, operation: string, pathPrefix?: readonly PropertyKey[]): z.output<S> {
    return parseResponseBody(schema, value, { marketplace: this.marketplace, operation, pathPrefix });
  }
}
