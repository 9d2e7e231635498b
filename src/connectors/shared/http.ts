import type { Logger } from 'pino';
import { MarketplaceError, marketplaceName } from './errors.js';
import type { Marketplace } from './types.js';

export { parseRetryAfter } from './resilience/retry-after.js';

export const DEFAULT_TIMEOUT_MS = 15_000;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type QueryValue = string | number | boolean | undefined;

export interface HttpRequest {
  method: HttpMethod;
  /** Path below the base URL, starting with `/`. */
  path: string;
  /** Query parameters; undefined values are left out. */
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  /** JSON body (sets content-type application/json unless `contentType` is given). */
  json?: unknown;
  /** Content type of a JSON body, for marketplaces that want a variant such as `application/json;charset=UTF-8`. */
  contentType?: string;
  /** Form body (sets content-type application/x-www-form-urlencoded). */
  form?: Record<string, string>;
  /** Overrides the client's timeout for this call, in milliseconds. */
  timeoutMs?: number;
  /** Cancels the call; its reason is thrown unchanged. */
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON when the body is JSON, otherwise the text; null for an empty body. */
  body: unknown;
  rawBody: string;
}

/** Response summary passed to the `onResponse` hook for every response, whatever its status. */
export interface HttpResponseInfo {
  marketplace: Marketplace;
  method: HttpMethod;
  path: string;
  status: number;
  headers: Headers;
  durationMs: number;
}

export type HttpResponseHook = (info: HttpResponseInfo) => void;

export interface HttpClientOptions {
  marketplace: Marketplace;
  baseUrl: string;
  defaultHeaders?: Record<string, string>;
  /** Default per-call timeout in milliseconds; 15 000 when not given. */
  timeoutMs?: number;
  onResponse?: HttpResponseHook;
  logger?: Logger;
}

/**
 * Minimal JSON client over global fetch. It returns every HTTP response, error statuses included,
 * and raises MarketplaceError kind 'transient' only when no response arrived (network error or
 * timeout). Mapping error statuses is the connector's job.
 *
 * No retries here on purpose: ResiliencePolicy (./resilience) retries, meters and circuit-breaks
 * each call, and only repeats calls that are safe to repeat. This client owns the per-attempt timeout.
 */
export class JsonHttpClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: HttpClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async request(request: HttpRequest): Promise<HttpResponse> {
    if (!request.path.startsWith('/')) {
      throw new TypeError(`HTTP request path must start with "/", got "${request.path}"`);
    }
    const timeoutMs = request.timeoutMs ?? this.timeoutMs;
    const timeoutSignal = AbortSignal.timeout(timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeoutSignal]) : timeoutSignal;
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...this.options.defaultHeaders,
      ...request.headers,
    };
    let body: string | undefined;
    if (request.json !== undefined) {
      headers['content-type'] = request.contentType ?? 'application/json';
      body = JSON.stringify(request.json);
    } else if (request.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(request.form).toString();
    }

    const startedAt = performance.now();
    try {
      const response = await fetch(this.buildUrl(request), { method: request.method, headers, body, signal });
      // The timeout also covers reading the body, because the signal stays attached to the stream.
      const rawBody = await response.text();
      const info: HttpResponseInfo = {
        marketplace: this.options.marketplace,
        method: request.method,
        path: request.path,
        status: response.status,
        headers: response.headers,
        durationMs: Math.round(performance.now() - startedAt),
      };
      this.options.logger?.debug({ method: info.method, path: info.path, status: info.status, durationMs: info.durationMs }, 'marketplace response');
      this.notifyResponse(info);
      return { status: response.status, headers: response.headers, body: parseBody(rawBody, response.headers), rawBody };
    } catch (error) {
      if (request.signal?.aborted) {
        throw request.signal.reason;
      }
      throw this.toTransientError(request, error, timeoutSignal.aborted, timeoutMs);
    }
  }

  private buildUrl(request: HttpRequest): string {
    const url = this.baseUrl + request.path;
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) {
        params.append(key, String(value));
      }
    }
    const query = params.toString();
    return query === '' ? url : `${url}?${query}`;
  }

  private notifyResponse(info: HttpResponseInfo): void {
    if (!this.options.onResponse) {
      return;
    }
    try {
      this.options.onResponse(info);
    } catch (error) {
      // A failing metering hook must not turn a completed marketplace call into a failure.
      this.options.logger?.error({ err: error, method: info.method, path: info.path }, 'onResponse hook failed');
    }
  }

  /**
   * Builds the error for a call that got no response. The raw fetch error is not attached as
   * cause, because some fetch errors quote the full URL and some marketplaces put secrets in the
   * query string. Only the error code is kept.
   */
  private toTransientError(request: HttpRequest, error: unknown, timedOut: boolean, timeoutMs: number): MarketplaceError {
    const name = marketplaceName(this.options.marketplace);
    const operation = `${request.method} ${request.path}`;
    if (timedOut) {
      return new MarketplaceError(
        this.options.marketplace,
        `${name} ${operation} timed out after ${timeoutMs} ms; retry later.`,
        { kind: 'transient', code: 'timeout' },
      );
    }
    const reason = networkErrorCode(error);
    return new MarketplaceError(
      this.options.marketplace,
      `${name} ${operation} failed before a response arrived (${reason}); retry later.`,
      { kind: 'transient', code: 'network_error', details: { reason } },
    );
  }
}

function parseBody(rawBody: string, headers: Headers): unknown {
  if (rawBody === '') {
    return null;
  }
  const contentType = headers.get('content-type') ?? '';
  const looksLikeJson = /^\s*[[{]/.test(rawBody);
  if (contentType.includes('json') || looksLikeJson) {
    try {
      return JSON.parse(rawBody) as unknown;
    } catch {
      // Not valid JSON after all: callers get the text and their schema check reports it.
      return rawBody;
    }
  }
  return rawBody;
}

/** Extracts a short reason such as ECONNREFUSED from a fetch failure without its message text. */
function networkErrorCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === 'string') {
      return code;
    }
    current = current.cause;
  }
  return error instanceof Error ? error.name : 'unknown error';
}
