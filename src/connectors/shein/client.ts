import type { Logger } from 'pino';
import type { z } from 'zod';
import { MarketplaceError, parseResponseBody } from '../shared/errors.js';
import type { HttpResponseHook } from '../shared/http.js';
import type { ResiliencePolicy } from '../shared/resilience/index.js';
import { executeTokenRequest, type TokenCallOptions } from '../shared/token-call.js';
import { MarketplaceTransport, type MarketplaceClientOptions } from '../shared/transport.js';
import type { AccessTokenSource } from '../shared/types.js';
import type { SheinConfig } from './config.js';
import { envelopeSchema, mapSheinError } from './errors.js';
import { SheinHttp } from './http.js';
import { PRODUCT_QUERY_PATH, SPU_INFO_PATH, STOCK_QUERY_PATH } from './listings.js';
import { ORDER_DETAIL_PATH } from './orders.js';
import { CHANGE_INVENTORY_PATH } from './stock.js';
import { appSignatureHeaders, sellerSignatureHeaders } from './signing.js';

export interface SheinClientOptions extends MarketplaceClientOptions {
  config: SheinConfig;
  /** The seller's openKeyId, stored in the connection metadata. */
  openKeyId: string;
  /** Supplies the seller's decrypted secret key. */
  tokenSource: AccessTokenSource;
}

/**
 * Paths that may be sent again after a 5xx or a failure without a response: the reads, and the
 * stock change, whose rows carry idempotency keys fixed before the first attempt (SHEIN applies
 * a repeated key once). Other paths are sent again only after a 429 or a refused connection.
 */
const REPEATABLE_PATHS: ReadonlySet<string> = new Set([PRODUCT_QUERY_PATH, SPU_INFO_PATH, STOCK_QUERY_PATH, ORDER_DETAIL_PATH, CHANGE_INVENTORY_PATH]);

/**
 * Signed JSON client for the SHEIN Open API of one seller. Every call is a POST signed with the
 * seller's openKeyId and secret key, sent through the resilience policy, which signs each attempt
 * anew. A response counts as successful only when the HTTP status is 2xx and the envelope code is
 * "0". Its `info` is then validated with a zod schema before it is returned.
 */
export class SheinClient {
  readonly logger: Logger | undefined;
  private readonly http: SheinHttp;
  private readonly transport: MarketplaceTransport;

  constructor(private readonly options: SheinClientOptions) {
    this.logger = options.logger?.child({ module: 'connectors.shein' });
    this.transport = new MarketplaceTransport({
      ...options,
      marketplace: 'SHEIN',
      baseUrl: options.config.apiBaseUrl,
      timeoutMs: options.config.timeoutMs,
      logger: this.logger,
    });
    this.http = new SheinHttp(this.transport.http);
  }

  /** HTTP requests sent by this client, failed ones included. */
  get apiCalls(): number {
    return this.transport.apiCalls;
  }

  post<S extends z.ZodType>(path: string, body: unknown, infoSchema: S, signal?: AbortSignal): Promise<z.output<S>> {
    return this.transport.execute({
      operation: `POST ${path}`,
      endpointClass: endpointClassOf(path),
      idempotent: REPEATABLE_PATHS.has(path),
      signal,
      // The signature carries a timestamp, so each attempt is signed when it is sent.
      send: (secretKey, attemptSignal) => this.http.post(path, body, sellerSignatureHeaders(this.options.openKeyId, secretKey ?? '', path), attemptSignal),
      read: (response, secretKey) => readEnvelope(response, path, infoSchema, [secretKey ?? '', this.options.config.appSecret]),
    });
  }

  /** Validates a value taken from inside `info`, naming the field relative to the whole response. */
  parse<S extends z.ZodType>(schema: S, value: unknown, operation: string, pathPrefix: readonly PropertyKey[]): z.output<S> {
    return this.transport.parse(schema, value, operation, pathPrefix);
  }
}

/**
 * Sends one app-level token request, signed with the appid and app secret and carrying
 * `x-lt-appid`. It goes through the resilience policy under the endpoint class `oauth.token` and is
 * repeated only after a 429 or a refused connection, because a tempToken is single use.
 */
export async function postAsApp<S extends z.ZodType>(
  config: SheinConfig,
  path: string,
  body: unknown,
  infoSchema: S,
  options: TokenCallOptions & { logger?: Logger; onResponse?: HttpResponseHook; secretValues?: readonly string[]; resilience?: ResiliencePolicy } = {},
): Promise<z.output<S>> {
  const http = new SheinHttp({ baseUrl: config.apiBaseUrl, timeoutMs: config.timeoutMs, onResponse: options.onResponse, logger: options.logger });
  return executeTokenRequest(
    {
      marketplace: 'SHEIN',
      operation: `POST ${path}`,
      repeatable: false,
      // The signature carries a timestamp, so each attempt is signed when it is sent.
      send: (signal) => http.post(path, body, appSignatureHeaders(config.appId, config.appSecret, path), signal),
      read: (response) => readEnvelope(response, path, infoSchema, [config.appSecret, ...(options.secretValues ?? [])]),
    },
    { traffic: options.traffic, resilience: options.resilience, logger: options.logger },
  );
}

function readEnvelope<S extends z.ZodType>(
  response: { status: number; headers: Headers; body: unknown },
  path: string,
  infoSchema: S,
  secretValues: readonly string[],
): z.output<S> {
  const envelope = envelopeSchema.safeParse(response.body);
  if (response.status < 200 || response.status >= 300 || (envelope.success && envelope.data.code !== '0')) {
    throw mapSheinError({ method: 'POST', path, ...response }, secretValues);
  }
  const operation = `POST ${path}`;
  const { info } = parseResponseBody(envelopeSchema, response.body, { marketplace: 'SHEIN', operation });
  return parseResponseBody(infoSchema, info, { marketplace: 'SHEIN', operation, pathPrefix: ['info'] });
}

/** Reads the seller's openKeyId from the connection metadata, or raises an auth error asking to reconnect. */
export function openKeyIdFrom(metadata: Record<string, unknown> | undefined, accountId: string): string {
  const openKeyId = metadata?.openKeyId;
  if (typeof openKeyId !== 'string' || openKeyId === '') {
    throw new MarketplaceError(
      'SHEIN',
      `The SHEIN connection of supplier ${accountId} has no openKeyId in its metadata; authorize the application again to store one.`,
      { kind: 'auth', code: 'reauthorize' },
    );
  }
  return openKeyId;
}

/** Endpoint class for limits and usage: the path below /open-api, such as `stock.change-inventory.v2`. */
function endpointClassOf(path: string): string {
  return path.replace(/^\/open-api\//, '').split('/').filter(Boolean).join('.') || 'root';
}
