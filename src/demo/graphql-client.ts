import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** Minimal GraphQL client for the demo: HTTP for queries and mutations, graphql-ws for subscriptions. */
export class DemoGraphqlClient {
  private socket: Client | null = null;

  constructor(private readonly options: { graphqlUrl: string; wsUrl: string; token: string; locale?: string }) {}

  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await fetch(this.options.graphqlUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${this.options.token}`,
        'accept-language': this.options.locale ?? 'es-MX',
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> };
    if (body.errors?.length) {
      throw new Error(`GraphQL error: ${body.errors.map((error) => `${error.extensions?.code ?? 'ERROR'} ${error.message}`).join('; ')}`);
    }
    return body.data as T;
  }

  /** Subscribes and calls `onEvent` for each result; resolves once the server acknowledged the connection. */
  async subscribe<T>(query: string, variables: Record<string, unknown>, onEvent: (data: T) => void): Promise<void> {
    let acknowledged!: () => void;
    const ready = new Promise<void>((resolve) => { acknowledged = resolve; });
    this.socket = createClient({
      url: this.options.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${this.options.token}`, locale: this.options.locale ?? 'es-MX' },
      lazy: false,
      on: { connected: () => acknowledged() },
    });
    this.socket.subscribe<T>({ query, variables }, {
      next: (result) => { if (result.data) onEvent(result.data); },
      error: () => undefined,
      complete: () => undefined,
    });
    await ready;
  }

  async close(): Promise<void> {
    await this.socket?.dispose();
  }
}
