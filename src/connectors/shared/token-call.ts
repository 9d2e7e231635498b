import type { Logger } from 'pino';
import type { HttpResponse } from './http.js';
import { defaultResiliencePolicy, type ResiliencePolicy } from './resilience/index.js';
import type { TrafficControl } from './traffic.js';
import type { Marketplace } from './types.js';

/** Endpoint class of every token request (code exchange, refresh), for rate limits and usage. */
export const TOKEN_ENDPOINT_CLASS = 'oauth.token';

/** Per-call options of a token request: the rate limiter of the tenant or connection. */
export interface TokenCallOptions {
  /** Rate limits and usage for the token request; it goes out unmetered when absent. */
  traffic?: TrafficControl;
}

export interface TokenRequest<T> {
  marketplace: Marketplace;
  /** `METHOD /path` without the query string, for logs and errors. */
  operation: string;
  /**
   * True only when a repeated request cannot lose a grant, such as a refresh whose old token stays
   * valid until the new one is used. Otherwise the request is sent again only after a 429 or a
   * connection failure that proves it was never sent, because an authorization code or a
   * single-use refresh token may already be spent.
   */
  repeatable: boolean;
  send(signal: AbortSignal | undefined): Promise<HttpResponse>;
  /** Returns the result of a response, or throws the MarketplaceError it maps to. */
  read(response: HttpResponse): T;
}

/**
 * Sends a token request through the resilience policy (retries honouring Retry-After) and the
 * traffic control, if any. Token requests carry no access token and have no circuit breaker,
 * because no connection may exist yet.
 * NOTE: retries can wait up to (maxAttempts - 1) x maxRetryAfterSeconds in all, which may outlast
 * the refresh lease (60 s by default) and let another process take it over and refresh as well.
 */
export function executeTokenRequest<T>(
  request: TokenRequest<T>,
  options: TokenCallOptions & { resilience?: ResiliencePolicy; logger?: Logger },
): Promise<T> {
  const policy = options.resilience ?? defaultResiliencePolicy();
  return policy.execute(
    { marketplace: request.marketplace, traffic: options.traffic, logger: options.logger },
    {
      operation: request.operation,
      endpointClass: TOKEN_ENDPOINT_CLASS,
      idempotent: request.repeatable,
      authenticated: false,
      send: (_accessToken, signal) => request.send(signal),
      read: (response) => request.read(response),
    },
  );
}
