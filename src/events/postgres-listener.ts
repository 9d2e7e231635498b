import pg from 'pg';
import type { Logger } from 'pino';

export interface PostgresListenerOptions {
  databaseUrl: string;
  /** Channel name; a plain lower-case identifier, so it needs no quoting rules beyond double quotes. */
  channel: string;
  logger: Logger;
  onNotification: (payload: string) => void;
  /** Shown in `pg_stat_activity.application_name`, which helps an operator find the connection. */
  applicationName?: string;
  /** First reconnect delay; it doubles after each failed attempt. */
  reconnectInitialDelayMs?: number;
  reconnectMaxDelayMs?: number;
}

const CHANNEL_PATTERN = /^[a-z_][a-z0-9_]*$/;

/** Host, port and database of a connection URL, without the user name or password. */
export function describeDatabaseUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`;
  } catch {
    return 'the configured database URL';
  }
}

/**
 * One dedicated PostgreSQL connection that LISTENs on a channel and reconnects with exponential
 * backoff when the connection drops. PostgreSQL does not store NOTIFY messages, so those sent
 * while the connection is down are lost. Subscribers that must not miss a change re-read it from
 * the database.
 */
export class PostgresListener {
  private client: pg.Client | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private failedAttempts = 0;
  private closed = false;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(private readonly options: PostgresListenerOptions) {
    if (!CHANNEL_PATTERN.test(options.channel)) {
      throw new Error(`Invalid LISTEN channel name "${options.channel}": use lower-case letters, digits and underscores.`);
    }
    this.initialDelayMs = options.reconnectInitialDelayMs ?? 250;
    this.maxDelayMs = options.reconnectMaxDelayMs ?? 30_000;
  }

  /** True while the LISTEN connection is up. */
  get listening(): boolean {
    return this.client !== null;
  }

  /** Opens the connection and runs LISTEN; rejects when the first attempt fails. */
  async start(): Promise<void> {
    try {
      await this.connect();
    } catch (error) {
      throw new Error(
        `Could not LISTEN on PostgreSQL channel ${this.options.channel} at ${describeDatabaseUrl(this.options.databaseUrl)}: ` +
          `${(error as Error).message}. Check DATABASE_URL and that the server accepts connections.`,
        { cause: error },
      );
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
    }
    const client = this.client;
    this.client = null;
    await client?.end().catch((error: unknown) => {
      this.options.logger.debug({ err: error }, 'Closing the LISTEN connection failed; it was already broken');
    });
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.databaseUrl,
      application_name: this.options.applicationName ?? 'egdc-events-listener',
    });
    client.on('notification', (message) => {
      if (message.channel === this.options.channel) this.options.onNotification(message.payload ?? '');
    });
    client.on('error', (error) => this.handleConnectionLoss(client, error));
    client.on('end', () => this.handleConnectionLoss(client));

    try {
      await client.connect();
      await client.query(`LISTEN "${this.options.channel}"`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }

    if (this.closed) {
      await client.end();
      return;
    }
    this.client = client;
  }

  private handleConnectionLoss(client: pg.Client, error?: Error): void {
    // Events from a client that was replaced or closed on purpose need no action.
    if (client !== this.client) return;
    this.client = null;
    client.end().catch(() => undefined);
    this.options.logger.warn(
      { err: error, channel: this.options.channel },
      'Lost the PostgreSQL LISTEN connection for sync events; reconnecting, and events sent meanwhile are lost',
    );
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    const delayMs = Math.min(this.initialDelayMs * 2 ** this.failedAttempts, this.maxDelayMs);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.reconnect(delayMs);
    }, delayMs);
  }

  private async reconnect(delayMs: number): Promise<void> {
    try {
      await this.connect();
      if (this.closed) return;
      this.options.logger.info(
        { channel: this.options.channel, failedAttempts: this.failedAttempts },
        'Restored the PostgreSQL LISTEN connection for sync events',
      );
      this.failedAttempts = 0;
    } catch (error) {
      this.failedAttempts += 1;
      this.options.logger.error(
        { err: error, channel: this.options.channel, failedAttempts: this.failedAttempts, lastDelayMs: delayMs },
        'Reconnecting the PostgreSQL LISTEN connection failed; retrying with a longer delay',
      );
      this.scheduleReconnect();
    }
  }
}
