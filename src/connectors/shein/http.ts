import type { Logger } from 'pino';
import { JsonHttpClient, type HttpResponse, type HttpResponseHook } from '../shared/http.js';

/** SHEIN's SDKs send this exact content type rather than plain `application/json`. */
export const SHEIN_CONTENT_TYPE = 'application/json;charset=UTF-8';

export interface SheinHttpOptions {
  baseUrl: string;
  timeoutMs?: number;
  onResponse?: HttpResponseHook;
  logger?: Logger;
}

/**
 * POST-only JSON transport for the SHEIN Open API: the shared JsonHttpClient (which owns the
 * timeout) with SHEIN's content type. It returns every HTTP response and raises MarketplaceError
 * kind 'transient' only when no response arrived. No retries here: SheinClient sends session
 * calls through the resilience policy, which decides what is safe to repeat.
 */
export class SheinHttp {
  private readonly http: JsonHttpClient;

  /** Builds its own JsonHttpClient from `options`, or sends through a given one (whose marketplace must be SHEIN). */
  constructor(options: SheinHttpOptions | JsonHttpClient) {
    this.http = options instanceof JsonHttpClient ? options : new JsonHttpClient({ marketplace: 'SHEIN', ...options });
  }

  post(path: string, body: unknown, headers: Record<string, string>, signal?: AbortSignal): Promise<HttpResponse> {
    return this.http.request({ method: 'POST', path, json: body, contentType: SHEIN_CONTENT_TYPE, headers, signal });
  }
}
