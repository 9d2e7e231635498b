import type { Logger } from 'pino';
import type { z } from 'zod';
import { MarketplaceError, parseResponseBody } from '../shared/errors.js';
import type { HttpResponse } from '../shared/http.js';
import { MarketplaceTransport, type MarketplaceClientOptions } from '../shared/transport.js';
import type { TikTokConfig } from './config.js';
import { mapTikTokError } from './errors.js';
import { envelopeSchema } from './schemas.js';
import { computeSign } from './signing.js';

export interface TikTokClientOptions extends MarketplaceClientOptions {
  config: TikTokConfig;
  /** Cipher of the shop the calls act on; every path outside /authorization/ needs it. */
  shopCipher?: string;
  /** Clock for the signed `timestamp`, in epoch milliseconds; Date.now when not given. */
  now?: () => number;
}

export interface TikTokRequest<S extends z.ZodType> {
  method: 'GET' | 'POST';
  /** Versioned path, e.g. /product/202309/products/123. */
  path: string;
  query?: Record<string, string | number | undefined>;
  /** JSON body; the signature covers its serialized text. */
  body?: unknown;
  /** Schema of the response's `data` field. */
  schema: S;
  /**
   * Whether the call may be sent again after a 5xx or a failure without a response. Default: true
   * for GET, false for POST. Set it on a POST that only reads or that sets absolute values.
   */
  idempotent?: boolean;
}

/** Paths that reject `shop_cipher`: they act on the authorization, not on one shop. */
function isShopScoped(path: string): boolean {
  return !path.startsWith('/authorization/');
}

/**
 * Signed JSON client for the TikTok Shop Open API of one authorized shop. Every call carries
 * app_key, timestamp, shop_cipher (except on /authorization/ paths) and sign in the query and the
 * access token in the `x-tts-access-token` header, and goes through the resilience policy, which
 * signs each attempt anew so that its timestamp is current. A response counts as successful only
 * when its body code is 0; its `data` is validated before it is returned.
 */
export class TikTokClient {
  readonly logger: Logger | undefined;
  private readonly config: TikTokConfig;
  private readonly shopCipher: string | undefined;
  private readonly now: () => number;
  private readonly transport: MarketplaceTransport;

  constructor(private readonly options: TikTokClientOptions) {
    this.logger = options.logger?.child({ module: 'connectors.tiktok' });
    this.config = options.config;
    this.shopCipher = options.shopCipher;
    this.now = options.now ?? Date.now;
    this.transport = new MarketplaceTransport({
      ...options,
      marketplace: 'TIKTOK',
      baseUrl: options.config.apiBaseUrl,
      timeoutMs: options.config.timeoutMs,
      logger: this.logger,
    });
  }

  /** HTTP requests sent by this client, failed ones included, so sync runs can report API calls spent. */
  get apiCalls(): number {
    return this.transport.apiCalls;
  }

  /** Returns a copy of this client that acts on another shop of the same authorization. */
  withShopCipher(shopCipher: string): TikTokClient {
    return new TikTokClient({ ...this.options, shopCipher });
  }

  async request<S extends z.ZodType>(request: TikTokRequest<S>): Promise<z.output<S>> {
    const shopScoped = isShopScoped(request.path);
    if (shopScoped && !this.shopCipher) {
      throw new MarketplaceError(
        'TIKTOK',
        `TikTok Shop ${request.method} ${request.path} needs a shop cipher, but the connection has none; reconnect the shop so its metadata records the cipher.`,
        { kind: 'invalid_input', code: 'shop_cipher_missing' },
      );
    }
    return this.transport.execute({
      operation: `${request.method} ${request.path}`,
      endpointClass: endpointClassOf(request.path),
      idempotent: request.idempotent ?? request.method === 'GET',
      send: (accessToken, signal) => this.send(request, shopScoped, accessToken ?? '', signal),
      read: (response, accessToken) =>
        unwrapResponse(response, {
          method: request.method,
          path: request.path,
          schema: request.schema,
          secretValues: [this.config.appSecret, accessToken ?? ''],
        }),
    });
  }

  /** Signs and sends one attempt; the timestamp is taken now, so a retried attempt is signed anew. */
  private send<S extends z.ZodType>(request: TikTokRequest<S>, shopScoped: boolean, accessToken: string, signal: AbortSignal | undefined): Promise<HttpResponse> {
    const query: Record<string, string> = {};
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) query[key] = String(value);
    }
    query.app_key = this.config.appKey;
    query.timestamp = String(Math.floor(this.now() / 1000));
    if (shopScoped && this.shopCipher) query.shop_cipher = this.shopCipher;
    // JsonHttpClient sends JSON.stringify(body), so signing the same serialization signs the exact text sent.
    const bodyText = request.body === undefined ? '' : JSON.stringify(request.body);
    const sign = computeSign({ appSecret: this.config.appSecret, path: request.path, query, body: bodyText });
    return this.transport.http.request({
      method: request.method,
      path: request.path,
      query: { ...query, sign },
      headers: { 'x-tts-access-token': accessToken, 'content-type': 'application/json' },
      json: request.body,
      signal,
    });
  }
}

/** Endpoint class for limits and usage: the path without its version and numeric ids, such as `product.products.search`. */
function endpointClassOf(path: string): string {
  const segments = path.split('/').filter((segment) => segment !== '' && !/^\d+$/.test(segment));
  return segments.join('.') || 'root';
}

/**
 * Returns the validated `data` of a TikTok Shop response, or raises: MarketplaceError for an HTTP
 * error or a body code other than 0, MarketplaceResponseShapeError for a body of the wrong shape.
 */
export function unwrapResponse<S extends z.ZodType>(
  response: HttpResponse,
  context: { method: string; path: string; schema: S; secretValues: readonly string[] },
): z.output<S> {
  const operation = `${context.method} ${context.path}`;
  const envelope = envelopeSchema.safeParse(response.body);
  const failed = response.status < 200 || response.status >= 300 || (envelope.success && envelope.data.code !== 0);
  if (failed) {
    throw mapTikTokError({ method: context.method, path: context.path, status: response.status, headers: response.headers, body: response.body }, context.secretValues);
  }
  const body = parseResponseBody(envelopeSchema, response.body, { marketplace: 'TIKTOK', operation });
  return parseResponseBody(context.schema, body.data, { marketplace: 'TIKTOK', operation, pathPrefix: ['data'] });
}
