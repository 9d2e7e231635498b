import { ConnectionStatus, type MarketplaceConnection } from '../entities/index.js';
import type { AuthorizationRevocation } from '../services.js';

/**
 * Reasons a connection can have for each status. The stored `statusReason` column contains one of
 * these codes, and each code has a merchant-facing text under `connectionStatus.reasons` in
 * src/i18n.
 */
export const STATUS_REASONS = {
  [ConnectionStatus.PENDING]: [],
  [ConnectionStatus.ACTIVE]: ['authorized', 'api_key_verified', 'refreshed'],
  [ConnectionStatus.NEEDS_REAUTH]: ['refresh_rejected', 'refresh_token_missing'],
  [ConnectionStatus.ERROR]: ['refresh_failed'],
  [ConnectionStatus.DISCONNECTED]: ['disconnected', 'disconnected_revoked', 'disconnected_revocation_unsupported', 'disconnected_revocation_failed'],
} as const satisfies Record<ConnectionStatus, readonly string[]>;

/** Reason codes allowed with status `S`. */
export type StatusReason<S extends ConnectionStatus> = (typeof STATUS_REASONS)[S][number];

/** Every reason code of every status. */
export type ConnectionStatusReason = StatusReason<ConnectionStatus>;

export const CONNECTION_STATUS_REASONS: readonly ConnectionStatusReason[] = Object.values(STATUS_REASONS).flat();

/**
 * A connection's lifecycle state: the status, why it is in it and since when. `reason` is null for
 * rows stored without a reason (PENDING, seeded data) or with a code this version does not know.
 */
export type ConnectionState = {
  [S in ConnectionStatus]: { status: S; reason: StatusReason<S> | null; changedAt: Date };
}[ConnectionStatus];

/** A state change to apply: the new status with a reason allowed for it. */
export type ConnectionTransition = {
  [S in ConnectionStatus]: { status: S; reason: StatusReason<S> };
}[Exclude<ConnectionStatus, ConnectionStatus.PENDING>];

export function isStatusReason<S extends ConnectionStatus>(status: S, value: string | null): value is StatusReason<S> {
  return value !== null && (STATUS_REASONS[status] as readonly string[]).includes(value);
}

/** Reads the stored status columns of a connection as a typed state. */
export function readConnectionState(connection: Pick<MarketplaceConnection, 'status' | 'statusReason' | 'statusChangedAt'>): ConnectionState {
  const { status, statusReason, statusChangedAt } = connection;
  const reason = isStatusReason(status, statusReason) ? statusReason : null;
  // The mapped union cannot be narrowed from a generic status, so the pairing is asserted here.
  return { status, reason, changedAt: statusChangedAt } as ConnectionState;
}

/** Status reason a disconnect stores for each outcome of its revocation attempt. */
export const DISCONNECT_REASONS: Record<AuthorizationRevocation, StatusReason<ConnectionStatus.DISCONNECTED>> = {
  REVOKED: 'disconnected_revoked',
  NOT_SUPPORTED: 'disconnected_revocation_unsupported',
  FAILED: 'disconnected_revocation_failed',
  NO_CREDENTIALS: 'disconnected',
};
