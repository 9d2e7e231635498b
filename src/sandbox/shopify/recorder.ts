import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyRequest } from 'fastify';
import type { RecordedRequest } from './types.js';

/** Records every request in arrival order; hooks fill in the body and the status later. */
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
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
