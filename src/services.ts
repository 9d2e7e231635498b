import type { AuthorizationResult } from './connections/authorization.js';
import type { ApiKeyCredentials } from './connectors/shared/contract.js';
import type { Marketplace, SyncRun, SyncRunKind } from './entities/index.js';

/**
 * Ports between the thin layers (GraphQL resolvers, HTTP routes) and the services behind them.
 * Resolvers receive an object of this shape in their context and never import the job layer.
 */

export interface AuthorizationStart {
  /** URL to send the merchant's browser to; it carries a one-time `state`. */
  authorizationUrl: string;
  expiresAt: Date;
}

export interface ConnectionsPort {
  startAuthorization(input: {
    tenantId: string;
    userId: string;
    marketplace: Marketplace;
    returnTo?: string | null;
    /** Shop to authorize on, for marketplaces whose consent page lives on the shop (Shopify). */
    shopDomain?: string | null;
  }): Promise<AuthorizationStart>;
  /**
   * Completes an authorization from the marketplace's redirect query, with the checks of the
   * callback route. `tenantId` binds the state to the caller's tenant (the GraphQL mutation).
   */
  completeAuthorization(input: { marketplace: Marketplace; query: Record<string, string | undefined>; tenantId?: string }): Promise<AuthorizationResult>;
  /** Verifies seller-portal keys with the marketplace, stores them and returns the connection id. */
  connectWithApiKey(input: { tenantId: string; marketplace: Marketplace; credentials: ApiKeyCredentials }): Promise<string>;
  /** Revokes at the marketplace where it can, deletes the stored secrets and marks the connection DISCONNECTED. */
  disconnect(input: { tenantId: string; connectionId: string }): Promise<DisconnectOutcome>;
  /** Refreshes the connection's access token now, whatever its expiry. */
  refresh(input: { tenantId: string; connectionId: string }): Promise<void>;
  /** Days before an authorization lapses from which the connection reports it as expiring soon. */
  readonly authorizationExpiryWarningDays: number;
}

/**
 * Outcome of a disconnect at the marketplace: REVOKED, NOT_SUPPORTED (the marketplace documents no
 * revocation call), FAILED (the call failed, so the seller must remove the app there) or
 * NO_CREDENTIALS (nothing was stored to revoke with).
 */
export type AuthorizationRevocation = 'REVOKED' | 'NOT_SUPPORTED' | 'FAILED' | 'NO_CREDENTIALS';

export interface DisconnectOutcome {
  connectionId: string;
  revocation: AuthorizationRevocation;
}

export interface SyncPort {
  /** Records a queued sync run for the tenant's connection and schedules the job that runs it. */
  startSync(input: { tenantId: string; connectionId: string; kind: SyncRunKind; trigger: string }): Promise<SyncRun>;
}

export const SYNC_EVENT_TYPES = [
  'SYNC_RUN_STARTED',
  'SYNC_RUN_FINISHED',
  'LISTING_UPDATED',
  'STOCK_PUSHED',
  'ORDER_APPLIED',
  'CONNECTION_STATUS_CHANGED',
  'CONNECTION_DEGRADED',
  'CONNECTION_RECOVERED',
] as const;
export type SyncEventType = (typeof SYNC_EVENT_TYPES)[number];

/** Sync activity as subscribers receive it. Fits in one PostgreSQL NOTIFY payload (under 8,000 bytes). */
export interface SyncEvent {
  id: string;
  type: SyncEventType;
  tenantId: string;
  connectionId: string;
  syncRunId?: string | null;
  listingId?: string | null;
  sku?: string | null;
  /** Short English summary for logs and developers; merchant-facing text is built from `type`. */
  message?: string | null;
  occurredAt: string;
  data?: Record<string, string | number | boolean | null>;
}

export interface EventsPort {
  publish(event: Omit<SyncEvent, 'id' | 'occurredAt'>): Promise<SyncEvent>;
  /** Yields the tenant's events published by any process from now on, until `return()` is called. */
  subscribe(tenantId: string, filter?: (event: SyncEvent) => boolean): AsyncIterableIterator<SyncEvent>;
}

export interface Services {
  connections: ConnectionsPort;
  sync: SyncPort;
  events: EventsPort;
}
