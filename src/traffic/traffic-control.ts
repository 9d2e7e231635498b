import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import { MarketplaceError } from '../connectors/shared/errors.js';
import type { CallOutcome, CallPermit, CallRequest, CallScope, TrafficControl, UsageSink } from '../connectors/shared/traffic.js';
import { BucketLane } from './lane.js';
import { limitFor, type BucketLimit, type TrafficSettings } from './limits.js';
import { settlementFor } from './settlement.js';
import { RateLimitStore } from './store.js';

export interface TrafficControlOptions {
  /** Pool the caller owns and closes. Give either this or `databaseUrl`. */
  pool?: pg.Pool;
  /** Database to open a small pool on. `close()` closes that pool. */
  databaseUrl?: string;
  settings: TrafficSettings;
  /** Receives every settled call. */
  usage?: UsageSink;
  logger: Logger;
  /** Share of a shared quota each tenant gets relative to the others, 1 when absent. */
  tenantWeight?: (tenantId: string) => number;
}

/** Rate limits for the whole process, shared with every other process through PostgreSQL. */
export interface TrafficControlService {
  forConnection(scope: CallScope): TrafficControl;
  /** Resolves when every settlement started so far has been applied to the shared state. */
  whenSettled(): Promise<void>;
  /** Fails waiting calls, removes this process's waiter registrations and waits for pending settlements. */
  close(): Promise<void>;
}

const POOL_SIZE = 4;

/** Builds the traffic control that every connector session of this process shares. */
export function createTrafficControl(options: TrafficControlOptions): TrafficControlService {
  const ownPool = options.pool ? null : openPool(options.databaseUrl);
  const pool = options.pool ?? ownPool;
  if (!pool) throw new Error('createTrafficControl: pass a pool or a databaseUrl.');

  const store = new RateLimitStore(pool);
  const holder = randomUUID();
  const logger = options.logger;
  const lanes = new Map<string, BucketLane>();
  let closed = false;

  const laneFor = (limit: BucketLimit, marketplace: CallScope['marketplace']): BucketLane => {
    let lane = lanes.get(limit.key);
    if (!lane) {
      lane = new BucketLane({
        limit,
        store,
        holder,
        logger,
        unavailableError: (cause) =>
          new MarketplaceError(marketplace, `Reading the rate limit state for ${limit.key} from PostgreSQL failed, so the call was not sent. Check the database connection, then retry the job.`, {
            kind: 'transient',
            code: 'limiter_unavailable',
            cause,
          }),
      });
      lanes.set(limit.key, lane);
    }
    return lane;
  };

  const settle = (scope: CallScope, call: CallRequest, limit: BucketLimit, outcome: CallOutcome): void => {
    laneFor(limit, scope.marketplace).settle(limit.cost, (inFlightElsewhere) => settlementFor(scope.marketplace, limit, outcome, inFlightElsewhere));
    recordUsage(scope, call, outcome);
  };

  const recordUsage = (scope: CallScope, call: CallRequest, outcome: CallOutcome): void => {
    if (!options.usage) return;
    try {
      options.usage.record({
        ...scope,
        endpointClass: call.endpointClass,
        status: outcome.status,
        latencyMs: outcome.latencyMs,
        cost: chargedCost(scope, call, outcome),
        at: new Date(),
      });
    } catch (error) {
      logger.warn({ err: error, connectionId: scope.connectionId }, 'usage sink failed to record a call');
    }
  };

  return {
    forConnection(scope) {
      return {
        async acquire(call, signal) {
          checkCall(call);
          if (closed) throw new Error(`Traffic control is closed, so the ${scope.marketplace} call for connection ${scope.connectionId} was not sent.`);
          const limit = limitFor(scope, call, options.settings);
          const weight = options.tenantWeight?.(scope.tenantId) ?? 1;
          await laneFor(limit, scope.marketplace).wait(scope.tenantId, limit.cost, weight, signal);
          return permitFor(scope, call, limit);
        },
      };
    },

    async whenSettled() {
      await Promise.all([...lanes.values()].map((lane) => lane.whenSettled()));
    },

    async close() {
      if (closed) return;
      closed = true;
      const reason = new Error('Traffic control closed while the call was waiting for its rate limit, so it was not sent.');
      await Promise.all([...lanes.values()].map((lane) => lane.stop(reason)));
      try {
        await store.releaseHolder(holder);
      } catch (error) {
        logger.warn({ err: error }, 'removing the waiter registrations failed, so they stay until their lease expires');
      }
      await ownPool?.end();
    },
  };

  function permitFor(scope: CallScope, call: CallRequest, limit: BucketLimit): CallPermit {
    let settled = false;
    return {
      settle(outcome) {
        // A permit covers one attempt, and a second settle would refund twice.
        if (settled) return;
        settled = true;
        settle(scope, call, limit, outcome);
      },
    };
  }
}

function openPool(databaseUrl: string | undefined): pg.Pool | null {
  if (!databaseUrl) return null;
  return new pg.Pool({ connectionString: databaseUrl, max: POOL_SIZE, application_name: 'egdc-traffic' });
}

function checkCall(call: CallRequest): void {
  if (!Number.isFinite(call.cost) || call.cost < 0) {
    throw new RangeError(`Invalid call cost ${call.cost} for ${call.endpointClass}: use a finite number of 0 or more.`);
  }
}

/** Cost recorded for usage: the actual cost when the marketplace reports it, otherwise the requested cost. */
function chargedCost(scope: CallScope, call: CallRequest, outcome: CallOutcome): number {
  if (scope.marketplace !== 'SHOPIFY') return 1;
  if (outcome.actualCost !== undefined) return outcome.actualCost;
  // A throttled Shopify query reports the bucket but no actual cost, and was not executed.
  if (outcome.throttleStatus !== undefined) return 0;
  return outcome.status === null ? 0 : call.cost;
}
