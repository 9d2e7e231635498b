import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonHttpClient, MarketplaceError, type HttpResponseInfo } from '../../src/connectors/shared/index.js';

interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let baseUrl: string;
const recorded: Recorded[] = [];

function handle(request: IncomingMessage, response: ServerResponse, body: string): void {
  recorded.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
  const path = (request.url ?? '').split('?')[0];
  if (path === '/json') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true }));
  } else if (path === '/text') {
    response.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad Gateway</html>');
  } else if (path === '/empty') {
    response.writeHead(204).end();
  } else if (path === '/hang') {
    // Never responds, so the client must give up on its own.
  } else {
    response.writeHead(404).end();
  }
}

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => handle(request, response, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('JsonHttpClient', () => {
  it('sends JSON and parses the response', async () => {
    const seen: HttpResponseInfo[] = [];
    const client = new JsonHttpClient({
      marketplace: 'SHOPIFY',
      baseUrl,
      defaultHeaders: { 'x-default': 'yes' },
      onResponse: (info) => seen.push(info),
    });
    const response = await client.request({ method: 'PUT', path: '/json', query: { a: 1, skip: undefined }, json: { quantity: 2 } });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ok: true });
    expect(response.rawBody).toBe('{"ok":true}');
    const last = recorded.at(-1);
    expect(last?.url).toBe('/json?a=1');
    expect(last?.headers['content-type']).toBe('application/json');
    expect(last?.headers['x-default']).toBe('yes');
    expect(last?.body).toBe('{"quantity":2}');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ marketplace: 'SHOPIFY', method: 'PUT', path: '/json', status: 200 });
  });

  it('sends a form body', async () => {
    const client = new JsonHttpClient({ marketplace: 'MERCADOLIBRE', baseUrl });
    await client.request({ method: 'POST', path: '/json', form: { grant_type: 'refresh_token', value: 'a b+c' } });
    const last = recorded.at(-1);
    expect(last?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(last?.body).get('value')).toBe('a b+c');
  });

  it('returns text and empty bodies as such', async () => {
    const client = new JsonHttpClient({ marketplace: 'MERCADOLIBRE', baseUrl });
    const text = await client.request({ method: 'GET', path: '/text' });
    expect(text.status).toBe(502);
    expect(text.body).toBe('<html>Bad Gateway</html>');
    const empty = await client.request({ method: 'GET', path: '/empty' });
    expect(empty.body).toBeNull();
  });

  it('turns a timeout into a transient error', async () => {
    const client = new JsonHttpClient({ marketplace: 'MERCADOLIBRE', baseUrl, timeoutMs: 100 });
    const error = await client.request({ method: 'GET', path: '/hang', query: { secret: 'query-secret' } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MarketplaceError);
    expect((error as MarketplaceError).kind).toBe('transient');
    expect((error as MarketplaceError).code).toBe('timeout');
    expect((error as MarketplaceError).message).toBe('MercadoLibre GET /hang timed out after 100 ms; retry later.');
  });

  it('turns a refused connection into a transient error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const client = new JsonHttpClient({ marketplace: 'TIKTOK', baseUrl: `http://127.0.0.1:${port}` });
    const error = await client.request({ method: 'GET', path: '/json' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MarketplaceError);
    expect((error as MarketplaceError).kind).toBe('transient');
    expect((error as MarketplaceError).code).toBe('network_error');
    expect((error as MarketplaceError).message).toContain('ECONNREFUSED');
  });

  it('rethrows the caller abort reason', async () => {
    const client = new JsonHttpClient({ marketplace: 'MERCADOLIBRE', baseUrl });
    const controller = new AbortController();
    const reason = new Error('sync run cancelled');
    const pending = client.request({ method: 'GET', path: '/hang', signal: controller.signal });
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });
});
