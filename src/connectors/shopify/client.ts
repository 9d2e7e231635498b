import type { Logger } from 'pino';
import { z } from 'zod';
import { JsonHttpClient, type HttpResponse } from '../shared/http.js';
import type { CallUsage } from '../shared/resilience/index.js';
import { MarketplaceTransport, type MarketplaceClientOptions } from '../shared/transport.js';
import type { ShopifyConfig } from './config.js';
import { estimateQueryCost } from './cost-estimate.js';
import { graphqlErrorsSchema, mapGraphqlErrors, mapShopifyHttpError } from './errors.js';
import { queryCostSchema, ThrottleStatusBoard, type ShopifyQueryCost, type ShopifyThrottleStatus } from './throttle.js';

/** One GraphQL document with the schema its `data` must match. */
export interface GraphqlOperation<S extends z.ZodType> {
  /** Operation name as written in the document; used in logs and error messages. */
  name: string;
  document: string;
  data: S;
}

export interface ShopifyClientOptions extends MarketplaceClientOptions {
  config: ShopifyConfig;
  /** A domain already checked with parseShopDomain. */
  shopDomain: string;
  /** Board that records throttle statuses; a private one when not given. */
  throttle?: ThrottleStatusBoard;
}

// Fields of the response envelope that are read; `data` is checked by each operation's schema.
const envelopeSchema = z.object({
  data: z.unknown().optional(),
  errors: graphqlErrorsSchema.optional(),
  extensions: z.object({ cost: queryCostSchema.optional() }).optional(),
});

const usageSchema = z.object({ extensions: z.object({ cost: queryCostSchema }) });

/**
 * GraphQL Admin API client for one shop. Every call goes through the resilience policy with its
 * estimated query cost. It sends `X-Shopify-Access-Token`, records the cost bucket reported in
 * `extensions.cost`, maps HTTP errors and top-level GraphQL errors (THROTTLED included, which
 * Shopify sends with HTTP 200) to MarketplaceError, and validates `data` before returning it.
 */
export class ShopifyGraphqlClient {
  readonly shopDomain: string;
  readonly apiVersion: string;
  readonly logger: Logger | undefined;
  private readonly options: ShopifyClientOptions;
  private readonly throttle: ThrottleStatusBoard;
  private readonly transport: MarketplaceTransport;

  constructor(options: ShopifyClientOptions) {
    this.options = options;
    this.shopDomain = options.shopDomain;
    this.apiVersion = options.config.apiVersion;
    this.logger = options.logger?.child({ module: 'connectors.shopify', shopDomain: options.shopDomain });
    this.throttle = options.throttle ?? new ThrottleStatusBoard();
    this.transport = new MarketplaceTransport({
      ...options,
      marketplace: 'SHOPIFY',
      baseUrl: options.config.endpointForShop(options.shopDomain),
      timeoutMs: options.config.timeoutMs,
      logger: this.logger,
    });
  }

  /** HTTP requests sent by this client, failed ones included. */
  get apiCalls(): number {
    return this.transport.apiCalls;
  }

  /** The cost bucket as the last response for this shop reported it. */
  get lastThrottleStatus(): ShopifyThrottleStatus | undefined {
    return this.throttle.get(this.shopDomain);
  }

  /** Runs one operation and returns its validated `data`. */
  async request<S extends z.ZodType>(operation: GraphqlOperation<S>, variables: Record<string, unknown> = {}): Promise<z.output<S>> {
    const { data } = await this.requestWithCost(operation, variables);
    return data;
  }

  /** Runs one operation and returns its validated `data` with the reported cost. */
  requestWithCost<S extends z.ZodType>(
    operation: GraphqlOperation<S>,
    variables: Record<string, unknown> = {},
  ): Promise<{ data: z.output<S>; cost: ShopifyQueryCost | null }> {
    const path = `/admin/api/${this.apiVersion}/graphql.json`;
    return this.transport.execute({
      operation: `${operation.name} (POST ${path})`,
      endpointClass: 'graphql',
      cost: estimateQueryCost(operation.document, variables, operation.name),
      idempotent: isRepeatable(operation.document),
      send: (accessToken, signal) =>
        this.transport.http.request({
          method: 'POST',
          path,
          json: { query: operation.document, variables, operationName: operation.name },
          headers: { 'x-shopify-access-token': accessToken ?? '' },
          signal,
        }),
      read: (response, accessToken) => this.readResponse(operation, path, response, accessToken ?? ''),
      usageOf: costUsageOf,
    });
  }

  /**
   * Downloads a bulk operation result. The URL is a signed storage link on another host, so no
   * access token is sent, and only its path (not the signed query) appears in errors and logs.
   */
  downloadBulkResult(url: string): Promise<string> {
    const target = new URL(url);
    const http = new JsonHttpClient({
      marketplace: 'SHOPIFY',
      baseUrl: target.origin,
      timeoutMs: Math.max(this.options.config.timeoutMs ?? 0, 120_000),
      onResponse: this.options.onResponse,
      logger: this.logger,
    });
    return this.transport.execute({
      operation: `GET ${target.pathname}`,
      endpointClass: 'bulk.download',
      // A storage download is not an Admin API query, so it spends no cost points.
      cost: 0,
      idempotent: true,
      authenticated: false,
      send: (_accessToken, signal) =>
        http.request({ method: 'GET', path: target.pathname, query: Object.fromEntries(target.searchParams), headers: { accept: '*/*' }, signal }),
      read: (response) => {
        if (response.status < 200 || response.status >= 300) {
          throw mapShopifyHttpError(
            { method: 'GET', path: target.pathname, shopDomain: this.shopDomain, status: response.status, headers: response.headers, body: response.body },
            'api',
            [this.options.config.clientSecret],
          );
        }
        return response.rawBody;
      },
    });
  }

  private readResponse<S extends z.ZodType>(
    operation: GraphqlOperation<S>,
    path: string,
    response: HttpResponse,
    accessToken: string,
  ): { data: z.output<S>; cost: ShopifyQueryCost | null } {
    const secrets = [this.options.config.clientSecret, accessToken];
    if (response.status < 200 || response.status >= 300) {
      throw mapShopifyHttpError(
        { method: 'POST', path, shopDomain: this.shopDomain, status: response.status, headers: response.headers, body: response.body },
        'api',
        secrets,
      );
    }

    const operationLabel = `${operation.name} (POST ${path})`;
    const envelope = this.transport.parse(envelopeSchema, response.body, operationLabel);
    const cost = envelope.extensions?.cost ?? null;
    if (cost) {
      const status = this.throttle.record(this.shopDomain, cost);
      this.logger?.debug({ operation: operation.name, requested: cost.requestedQueryCost, actual: cost.actualQueryCost, available: status.currentlyAvailable }, 'graphql cost');
    }
    if (envelope.errors) {
      throw mapGraphqlErrors(envelope.errors, cost, { operation: operation.name, shopDomain: this.shopDomain }, secrets);
    }
    const data = this.transport.parse(operation.data, envelope.data, operationLabel, ['data']);
    return { data, cost };
  }

  /** Validates a value taken from inside a response, naming the field through `pathPrefix`. */
  parse<S extends z.ZodType>(schema: S, value: unknown, operation: string, pathPrefix: readonly PropertyKey[]): z.output<S> {
    return this.transport.parse(schema, value, operation, pathPrefix);
  }
}

/**
 * Queries are safe to send again. A mutation is safe only when it carries `@idempotent(key: ...)`,
 * for which Shopify applies a repeated request once and returns the first result.
 */
function isRepeatable(document: string): boolean {
  const isMutation = /^\s*mutation\b/.test(document);
  return !isMutation || document.includes('@idempotent(');
}

/** Reads the cost Shopify reports in `extensions.cost`. A null actual cost means a throttled query that did not run, so nothing was charged. */
function costUsageOf(response: HttpResponse): CallUsage | undefined {
  const parsed = usageSchema.safeParse(response.body);
  if (!parsed.success) return undefined;
  const { actualQueryCost, throttleStatus } = parsed.data.extensions.cost;
  return { actualCost: actualQueryCost ?? 0, throttleStatus };
}
