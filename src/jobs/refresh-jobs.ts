import { z } from 'zod';
import { MarketplaceError } from '../connectors/shared/errors.js';
import { NO_REFRESH_STATUSES } from '../connections/refresh-lease.js';
import { StoredTokenSource, type TokenSourceDependencies, type TokenSourceOptions } from '../connections/token-source.js';
import { crossTenantEntityManager, tenantEntityManager, type MikroORM } from '../database/orm.js';
import { Credential, MarketplaceConnection } from '../entities/index.js';
import type { JobQueue } from './queue.js';
import { PermanentJobError } from './queue.js';

export const REFRESH_JOBS = {
  /** Recurring: finds the tokens about to expire and enqueues one refresh job per connection. */
  scan: 'tokens.refresh-scan',
  refresh: 'tokens.refresh',
} as const;

/** Connections one scan enqueues at most, soonest expiry first; the next scan takes the rest. */
const SCAN_BATCH_SIZE = 500;

const refreshData = z.object({ tenantId: z.string().min(1), connectionId: z.uuid() });
type RefreshData = z.output<typeof refreshData>;

export interface RefreshJobOptions {
  /** Tokens that expire within this many seconds are refreshed (TOKEN_REFRESH_MARGIN_SECONDS). */
  marginSeconds: number;
  /** How often the scan runs: milliseconds or text such as '1 minute'. Default one minute. */
  scanInterval?: number | string;
  /** Options of the token sources the refresh jobs use (lease TTL, wait timeout). */
  tokenSource?: TokenSourceOptions;
}

export interface DueConnection {
  tenantId: string;
  connectionId: string;
  accessTokenExpiresAt: Date;
}

/**
 * Finds, across all tenants, the connections whose access token expires before `now + marginMs`
 * and can be refreshed: they have a refresh token and do not wait for a new authorization.
 */
export async function findConnectionsDueForRefresh(orm: MikroORM, marginMs: number, now: Date = new Date()): Promise<DueConnection[]> {
  const em = crossTenantEntityManager(orm);
  const credentials = await em.find(
    Credential,
    {
      accessTokenExpiresAt: { $ne: null, $lt: new Date(now.getTime() + marginMs) },
      refreshTokenCiphertext: { $ne: null },
      connection: { status: { $nin: [...NO_REFRESH_STATUSES] } },
    },
    { filters: false, orderBy: { accessTokenExpiresAt: 'asc' }, limit: SCAN_BATCH_SIZE },
  );
  return credentials.flatMap((credential) =>
    credential.accessTokenExpiresAt === null
      ? []
      : [{ tenantId: credential.tenantId, connectionId: credential.connection.id, accessTokenExpiresAt: credential.accessTokenExpiresAt }],
  );
}

/**
 * Registers the refresh jobs on a worker's queue and schedules the recurring scan. Every worker may
 * call this: the scan is one recurring job per queue, and the refresh lease keeps two refreshes of
 * one connection from overlapping.
 */
export async function registerRefreshJobs(queue: JobQueue, deps: TokenSourceDependencies, options: RefreshJobOptions): Promise<void> {
  if (!(options.marginSeconds > 0)) {
    throw new RangeError(`Token refresh margin must be greater than 0 seconds, got ${options.marginSeconds}; set TOKEN_REFRESH_MARGIN_SECONDS to a positive whole number.`);
  }
  const marginMs = options.marginSeconds * 1000;
  const log = deps.logger.child({ module: 'jobs.token-refresh' });

  queue.define(REFRESH_JOBS.scan, async () => {
    const due = await findConnectionsDueForRefresh(deps.orm, marginMs);
    for (const connection of due) {
      const data: RefreshData = { tenantId: connection.tenantId, connectionId: connection.connectionId };
      await queue.now(REFRESH_JOBS.refresh, data);
    }
    if (due.length > 0) log.info({ connections: due.length, marginSeconds: options.marginSeconds }, 'enqueued token refreshes ahead of expiry');
  }, { attempts: 1, concurrency: 1 });

  queue.define(REFRESH_JOBS.refresh, (data) => refreshAheadOfExpiry(deps, data, marginMs, options.tokenSource), {
    schema: refreshData,
    attempts: 3,
    backoffMs: 5_000,
    concurrency: 2,
  });

  await queue.every(REFRESH_JOBS.scan, options.scanInterval ?? '1 minute', {});
}

/**
 * Refreshes one connection's token if it still expires within the margin when the job runs. A
 * connection that was disconnected or needs a new authorization since the scan is skipped.
 */
async function refreshAheadOfExpiry(deps: TokenSourceDependencies, data: RefreshData, marginMs: number, options: TokenSourceOptions | undefined): Promise<void> {
  const log = deps.logger.child({ module: 'jobs.token-refresh', tenantId: data.tenantId, connectionId: data.connectionId });
  const connection = await tenantEntityManager(deps.orm, data.tenantId).findOne(MarketplaceConnection, { id: data.connectionId });
  if (!connection || NO_REFRESH_STATUSES.includes(connection.status)) {
    log.info({ status: connection?.status ?? 'deleted' }, 'skipped the token refresh: the connection cannot be refreshed any more');
    return;
  }

  const source = new StoredTokenSource(deps, data.tenantId, data.connectionId, options);
  try {
    const due = await source.refreshIfExpiringWithin(marginMs);
    if (due) log.info('access token refreshed ahead of expiry');
  } catch (error) {
    // A rejected refresh already marked the connection NEEDS_REAUTH; retrying cannot help.
    if (error instanceof MarketplaceError && !error.retryable) throw new PermanentJobError(error.message, { cause: error });
    throw error;
  }
}
