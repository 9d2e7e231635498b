import type { Config } from '../config.js';
import type { CallRequest, CallScope } from '../connectors/shared/traffic.js';
import type { Marketplace } from '../connectors/shared/types.js';

/** The configured limits, one per marketplace model. */
export interface TrafficSettings {
  /** Shopify GraphQL restore rate in points per second, used until a shop reports its own. */
  shopifyRestoreRate: number;
  /** MercadoLibre requests per second for the whole application, shared by every tenant. */
  mercadolibreRequestsPerSecond: number;
  /** TikTok Shop requests per second for each API, app and shop. */
  tiktokRequestsPerSecond: number;
  /** Minimum milliseconds between two calls for one Shein seller. */
  sheinMinIntervalMs: number;
  /** Application id per marketplace, so deployments with different apps keep separate buckets. */
  appIds: Partial<Record<Marketplace, string>>;
}

/** Reads the traffic settings from the validated configuration. */
export function trafficSettingsFrom(config: Config): TrafficSettings {
  return {
    shopifyRestoreRate: config.SHOPIFY_RESTORE_RATE,
    mercadolibreRequestsPerSecond: config.MERCADOLIBRE_REQUESTS_PER_SECOND,
    tiktokRequestsPerSecond: config.TIKTOK_REQUESTS_PER_SECOND,
    sheinMinIntervalMs: config.SHEIN_MIN_INTERVAL_MS,
    appIds: {
      MERCADOLIBRE: config.MERCADOLIBRE_CLIENT_ID,
      SHOPIFY: config.SHOPIFY_CLIENT_ID,
      TIKTOK: config.TIKTOK_APP_KEY,
      SHEIN: config.SHEIN_APP_ID,
    },
  };
}

/** One token bucket and what a call takes from it. */
export interface BucketLimit {
  /** Row key in `rate_limit_bucket`. Every process computes the same key for the same quota. */
  key: string;
  /** Tokens the bucket holds when full. */
  capacity: number;
  refillPerSecond: number;
  /** Tokens this call takes. */
  cost: number;
  /** Whether tenants share the bucket and take turns (weighted round robin over waiting tenants). */
  fair: boolean;
}

/**
 * Share of a request-per-second limit left unused. Calls reach the marketplace a few milliseconds
 * after their grant, and not always with the same delay, so grants spaced exactly 1/rate apart can
 * land rate + 1 calls in one wall-clock second. With 5% headroom, six grants in a row at 5 per
 * second span 1.05 s, so that takes a 50 ms difference in delivery delay.
 */
export const REQUEST_RATE_HEADROOM = 0.05;

/**
 * Shopify buckets hold 20 seconds of restore (2,000 points at 100 per second). This size is used
 * only until the shop's first response reports `maximumAvailable`.
 */
export const SHOPIFY_BUCKET_SECONDS = 20;

/**
 * Maps a call to its marketplace's limit model.
 *
 * Request-count models (MercadoLibre, TikTok Shop, Shein) use a bucket of capacity 1, so grants are
 * evenly spaced and never burst. A full bucket of `rate` tokens plus a second of refill would let
 * 2 x rate calls through in one wall-clock second.
 */
export function limitFor(scope: CallScope, call: CallRequest, settings: TrafficSettings): BucketLimit {
  const app = settings.appIds[scope.marketplace] ?? 'default';
  switch (scope.marketplace) {
    case 'SHOPIFY':
      return {
        key: `SHOPIFY:${app}:${scope.accountId}`,
        capacity: settings.shopifyRestoreRate * SHOPIFY_BUCKET_SECONDS,
        refillPerSecond: settings.shopifyRestoreRate,
        cost: call.cost,
        fair: false,
      };
    case 'MERCADOLIBRE':
      return {
        key: `MERCADOLIBRE:${app}`,
        capacity: 1,
        refillPerSecond: settings.mercadolibreRequestsPerSecond * (1 - REQUEST_RATE_HEADROOM),
        cost: 1,
        fair: true,
      };
    case 'TIKTOK':
      // NOTE: TikTok counts each API path apart; an endpoint class may group several paths, which
      // makes this bucket stricter than TikTok's own limit, never looser.
      return {
        key: `TIKTOK:${app}:${scope.accountId}:${call.endpointClass}`,
        capacity: 1,
        refillPerSecond: settings.tiktokRequestsPerSecond * (1 - REQUEST_RATE_HEADROOM),
        cost: 1,
        fair: false,
      };
    case 'SHEIN':
      return {
        key: `SHEIN:${app}:${scope.accountId}`,
        capacity: 1,
        refillPerSecond: 1000 / settings.sheinMinIntervalMs,
        cost: 1,
        fair: false,
      };
  }
}
