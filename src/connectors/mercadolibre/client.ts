import type { Logger } from 'pino';
import type { z } from 'zod';
import type { HttpMethod, QueryValue } from '../shared/http.js';
import { MarketplaceTransport, type MarketplaceClientOptions } from '../shared/transport.js';
import type { MercadoLibreConfig } from './config.js';
import { mapMercadoLibreError } from './errors.js';

export interface MercadoLibreClientOptions extends MarketplaceClientOptions {
  config: MercadoLibreConfig;
}

export interface MercadoLibreRequestOptions {
  query?: Record<string, QueryValue>;
  signal?: AbortSignal;
}

/**
 * Authenticated JSON client for the MercadoLibre API of one seller. Every call goes through the
 * resilience policy (retries, circuit breaker, traffic control), sends the Bearer token from the
 * token source, maps error statuses to MarketplaceError and validates the response with a zod
 * schema before returning it.
 */
export class MercadoLibreClient {
  readonly logger: Logger | undefined;
  private readonly clientSecret: string;
  private readonly transport: MarketplaceTransport;

  constructor(options: MercadoLibreClientOptions) {
    this.logger = options.logger?.child({ module: 'connectors.mercadolibre' });
    this.clientSecret = options.config.clientSecret;
    this.transport = new MarketplaceTransport({
      ...options,
      marketplace: 'MERCADOLIBRE',
      baseUrl: options.config.apiBaseUrl,
      timeoutMs: options.config.timeoutMs,
      logger: this.logger,
    });
  }

  /** HTTP requests sent by this client, failed ones included, so sync runs can report API calls spent. */
  get apiCalls(): number {
    return this.transport.apiCalls;
  }

  get<S extends z.ZodType>(path: string, schema: S, options: MercadoLibreRequestOptions = {}): Promise<z.output<S>> {
    return this.send('GET', path, undefined, schema, options);
  }

  put<S extends z.ZodType>(
    path: string,
    body: unknown,
    schema: S,
    options: MercadoLibreRequestOptions = {},
  ): Promise<z.output<S>> {
    return this.send('PUT', path, body, schema, options);
  }

  delete<S extends z.ZodType>(path: string, schema: S, options: MercadoLibreRequestOptions = {}): Promise<z.output<S>> {
    return this.send('DELETE', path, undefined, schema, options);
  }

  /**
   * Validates a value taken from inside a response (e.g. one multiget element), naming the field
   * relative to the whole response through `pathPrefix`.
   */
  parse<S extends z.ZodType>(schema: S, value: unknown, operation: string, pathPrefix: readonly PropertyKey[]): z.output<S> {
    return this.transport.parse(schema, value, operation, pathPrefix);
  }

  private send<S extends z.ZodType>(
    method: HttpMethod,
    path: string,
    json: unknown,
    schema: S,
    options: MercadoLibreRequestOptions,
  ): Promise<z.output<S>> {
    const operation = `${method} ${path}`;
    return this.transport.execute({
      operation,
      endpointClass: endpointClassOf(method, path),
      // GET and DELETE are idempotent, and every PUT sends absolute values (stock sets included),
      // so a repeated request leaves the item as one request would.
      idempotent: true,
      signal: options.signal,
      send: (accessToken, signal) =>
        this.transport.http.request({ method, path, query: options.query, json, signal, headers: { authorization: `Bearer ${accessToken}` } }),
      read: (response, accessToken) => {
        if (response.status < 200 || response.status >= 300) {
          throw mapMercadoLibreError(
            { method, path, status: response.status, headers: response.headers, body: response.body },
            [this.clientSecret, accessToken ?? ''],
          );
        }
        return this.transport.parse(schema, response.body, operation);
      },
    });
  }
}

/** Endpoint class for limits and usage: the first path segment and read or write, such as `items.write`. */
function endpointClassOf(method: HttpMethod, path: string): string {
  const resource = path.split('/')[1] || 'root';
  return `${resource}.${method === 'GET' ? 'read' : 'write'}`;
}
