import { PostgresBackend, PostgresNotificationChannel } from '@agendajs/postgres-backend';
import type { AgendaBackend, NotificationChannel } from 'agenda';
import pg from 'pg';
import type { Logger } from 'pino';

/** Storage for Agenda plus the channel that wakes workers up when a job is saved. */
export interface ConnectedJobBackend {
  kind: 'postgres' | 'mongodb';
  /**
   * Already connected. Its `connect()` and `disconnect()` do nothing, so Agenda cannot run schema
   * creation a second time; `close()` below ends the connections.
   */
  backend: AgendaBackend;
  notificationChannel: NotificationChannel | undefined;
  close(): Promise<void>;
}

/** Thrown when the job store cannot be reached or prepared; the message names the server, never the password. */
export class JobBackendConnectionError extends Error {
  override name = 'JobBackendConnectionError';
}

/** PostgreSQL channel that Agenda uses to announce saved jobs (the package default). */
const JOB_CHANNEL = 'agenda_jobs';

/**
 * Key of the PostgreSQL advisory lock held while Agenda creates its table and indexes. Two Agenda
 * 6 instances that create the schema at the same moment fail on a duplicate index, so every
 * process takes this lock first.
 */
const SCHEMA_LOCK_KEY = 'egdc-integrations:agenda-schema';

/** Host, port and database or path of a connection URL, without credentials. */
export function describeServerUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return 'the configured URL';
  }
}

/** Connects the PostgreSQL job store, creating its schema under an advisory lock. */
export async function connectPostgresJobBackend(databaseUrl: string, logger: Logger): Promise<ConnectedJobBackend> {
  // Our own pool, because the backend's pool has no 'error' listener and a broken idle connection would crash the process.
  const pool = new pg.Pool({ connectionString: databaseUrl, application_name: 'egdc-jobs' });
  pool.on('error', (error) => logger.warn({ err: error }, 'An idle job queue connection failed; the pool replaces it'));
  const backend = new PostgresBackend({ pool, channelName: JOB_CHANNEL });
  const lockClient = new pg.Client({ connectionString: databaseUrl, application_name: 'egdc-jobs-schema' });
  try {
    await lockClient.connect();
    await lockClient.query('SELECT pg_advisory_lock(hashtext($1))', [SCHEMA_LOCK_KEY]);
    await backend.connect();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new JobBackendConnectionError(
      `Could not prepare the job queue in PostgreSQL at ${describeServerUrl(databaseUrl)}: ${(error as Error).message}. ` +
        'Check DATABASE_URL, that the server accepts connections, and that the user may create tables.',
      { cause: error },
    );
  } finally {
    // Ending the session releases the advisory lock as well.
    await lockClient.end().catch(() => undefined);
  }
  listenForChannelErrors(backend.notificationChannel, logger);
  return {
    kind: 'postgres',
    backend: preconnected(backend),
    notificationChannel: backend.notificationChannel,
    close: () => pool.end(),
  };
}

/**
 * Logs the wake-up channel's errors. The channel emits 'error' when its connection drops, for
 * example while PostgreSQL shuts down, and an emitter without a listener would crash the process.
 */
function listenForChannelErrors(channel: NotificationChannel | undefined, logger: Logger): void {
  const emitter = channel as unknown as { on?: (event: 'error', listener: (error: Error) => void) => void } | undefined;
  emitter?.on?.('error', (error) => logger.warn({ err: error }, 'The job queue wake-up channel failed; scheduled scans still find due jobs'));
}

export interface MongoJobBackendOptions {
  mongodbUrl: string;
  /** PostgreSQL that carries the wake-up notifications, since MongoDB storage has none of its own. */
  databaseUrl: string;
  /** How long the driver looks for a reachable server before giving up. */
  serverSelectionTimeoutMs?: number;
  logger: Logger;
}

/**
 * Connects the MongoDB job store. The backend package (and through it the `mongodb` driver) is
 * loaded only here, so deployments on PostgreSQL alone never load it. Jobs saved in MongoDB are
 * announced over PostgreSQL LISTEN/NOTIFY, which the program needs anyway for sync events.
 */
export async function connectMongoJobBackend(options: MongoJobBackendOptions): Promise<ConnectedJobBackend> {
  const { MongoBackend } = await import('@agendajs/mongo-backend');
  const backend = new MongoBackend({
    address: options.mongodbUrl,
    options: { serverSelectionTimeoutMS: options.serverSelectionTimeoutMs ?? 30_000 },
  });
  try {
    await backend.connect();
  } catch (error) {
    await backend.disconnect().catch(() => undefined);
    throw new JobBackendConnectionError(
      `Could not connect the job queue to MongoDB at ${describeServerUrl(options.mongodbUrl)}: ${(error as Error).message}. ` +
        'Check MONGODB_URL and that the server accepts connections, or unset MONGODB_URL to keep jobs in PostgreSQL.',
      { cause: error },
    );
  }
  const notificationChannel = new PostgresNotificationChannel({ connectionString: options.databaseUrl, channelName: JOB_CHANNEL });
  listenForChannelErrors(notificationChannel, options.logger);
  return { kind: 'mongodb', backend: preconnected(backend), notificationChannel, close: () => backend.disconnect() };
}

/** Wraps a connected backend so that Agenda neither connects it again nor closes it. */
function preconnected(backend: AgendaBackend): AgendaBackend {
  return {
    name: backend.name,
    get repository() {
      return backend.repository;
    },
    get notificationChannel() {
      return backend.notificationChannel;
    },
    get logger() {
      return backend.logger;
    },
    ownsConnection: false,
    connect: () => Promise.resolve(),
    disconnect: () => Promise.resolve(),
  };
}
