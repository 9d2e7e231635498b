import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyRequest } from 'fastify';

/** One HTTP request as the sandbox received it, with the status of its response. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Header names in lower case, repeated headers joined with ', '. */
  headers: Record<string, string>;
  /** Decoded JSON or form body; undefined when the request had none. */
  body: unknown;
  rawBody: string;
  /** 0 until the response is sent. */
  status: number;
  /** Arrival time in epoch milliseconds. */
  at: number;
  /** Client id of the application the request was attributed to (from its access token or token request), where the sandbox tracks it. */
  appClientId?: string;
}

/** Records every request in arrival order; server hooks fill in the body and the status later. */
export class RequestRecorder {
  readonly requests: RecordedRequest[] = [];
  private readonly records = new WeakMap<FastifyRequest, RecordedRequest>();

  start(request: FastifyRequest): RecordedRequest {
    const url = new URL(request.url, 'http://sandbox.invalid');
    const record: RecordedRequest = {
      method: request.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: flattenHeaders(request.raw.headers),
      body: undefined,
      rawBody: '',
      status: 0,
      at: Date.now(),
    };
    this.requests.push(record);
    this.records.set(request, record);
    return record;
  }

  get(request: FastifyRequest): RecordedRequest | undefined {
    return this.records.get(request);
  }
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
