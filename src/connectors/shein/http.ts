import type { Logger } from 'pino';
import { MarketplaceError } from '../shared/errors.js';
import { DEFAULT_TIMEOUT_MS, type HttpResponse, type HttpResponseHook } from '../shared/http.js';

/** SHEIN's SDKs send this exact content type; the shared JSON client always sends plain `application/json`. */
export const SHEIN_CONTENT_TYPE = 'application/json;charset=UTF-8';

export interface SheinHttpOptions {
  baseUrl: string;
  timeoutMs?: number;
  onResponse?: HttpResponseHook;
  logger?: Logger;
}

/**
 * POST-only JSON transport for the SHEIN Open API. Like the shared JsonHttpClient it returns every
 * HTTP response and raises MarketplaceError kind 'transient' only when no response arrived. It
 * exists because SHEIN wants `application/json;charset=UTF-8`, which the shared client cannot send.
 * No retries here: callers decide what is safe to repeat.
 */
export class SheinHttp {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: SheinHttpOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async post(path: string, body: unknown, headers: Record<string, string>, signal?: AbortSignal): Promise<HttpResponse> {
    const timeoutSignal = AbortSignal.timeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeoutSignal]) : timeoutSignal;
    const startedAt = performance.now();
    try {
      const response = await fetch(this.baseUrl + path, {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': SHEIN_CONTENT_TYPE, ...headers },
        body: JSON.stringify(body),
        signal: combined,
      });
      const rawBody = await response.text();
      const durationMs = Math.round(performance.now() - startedAt);
      this.options.logger?.debug({ method: 'POST', path, status: response.status, durationMs }, 'marketplace response');
      this.notify({ path, status: response.status, headers: response.headers, durationMs });
      return { status: response.status, headers: response.headers, body: parseJson(rawBody), rawBody };
    } catch (error) {
      if (signal?.aborted) {
        throw signal.reason;
      }
      if (timeoutSignal.aborted) {
        throw new MarketplaceError('SHEIN', `SHEIN POST ${path} timed out after ${this.timeoutMs} ms; retry later.`, { kind: 'transient', code: 'timeout' });
      }
      // The fetch error is not attached: only its code is kept, so no URL or header text can leak.
      const reason = networkErrorCode(error);
      throw new MarketplaceError('SHEIN', `SHEIN POST ${path} failed before a response arrived (${reason}); retry later.`, {
        kind: 'transient',
        code: 'network_error',
        details: { reason },
      });
    }
  }

  private notify(info: { path: string; status: number; headers: Headers; durationMs: number }): void {
    try {
      this.options.onResponse?.({ marketplace: 'SHEIN', method: 'POST', ...info });
    } catch (error) {
      // A failing metering hook must not turn a completed call into a failure.
      this.options.logger?.error({ err: error, path: info.path }, 'onResponse hook failed');
    }
  }
}

function parseJson(rawBody: string): unknown {
  if (rawBody === '') {
    return null;
  }
  try {
    return JSON.parse(rawBody) as unknown;
  } catch {
    // Not JSON (an HTML error page from a proxy, say): the envelope check reports it.
    return rawBody;
  }
}

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
