import type { EntityManager } from '@mikro-orm/postgresql';
import { ConnectionStatus, type Marketplace, type MarketplaceConnection } from '../entities/index.js';
import type { EventsPort } from '../services.js';
import type { ConnectionTransition, StatusReason } from './connection-state.js';

/** A status change applied to a connection, to publish once it is stored. */
export interface StatusChange {
  tenantId: string;
  connectionId: string;
  marketplace: Marketplace;
  previous: ConnectionStatus;
  status: ConnectionStatus;
  reason: string;
  changedAt: Date;
}

/**
 * Sets the status, reason and change time on the entity without storing it. Returns the change to
 * publish after the flush, or null when the status and reason are already these.
 */
export function applyConnectionStatus<S extends ConnectionTransition['status']>(connection: MarketplaceConnection, status: S, reason: StatusReason<S>): StatusChange | null {
  if (connection.status === status && connection.statusReason === reason) return null;
  const previous = connection.status;
  const changedAt = new Date();
  connection.status = status;
  connection.statusReason = reason;
  connection.statusChangedAt = changedAt;
  return { tenantId: connection.tenantId, connectionId: connection.id, marketplace: connection.marketplace, previous, status, reason, changedAt };
}

/** Publishes a stored status change as a CONNECTION_STATUS_CHANGED event. */
export async function publishStatusChange(events: EventsPort, change: StatusChange): Promise<void> {
  await events.publish({
    type: 'CONNECTION_STATUS_CHANGED',
    tenantId: change.tenantId,
    connectionId: change.connectionId,
    message: `connection ${change.previous} -> ${change.status}`,
    data: {
      marketplace: change.marketplace,
      previous: change.previous,
      status: change.status,
      reason: change.reason,
      changedAt: change.changedAt.toISOString(),
    },
  });
}

/**
 * Moves a connection to `status` with a reason allowed for that status, flushes `em` and publishes
 * the change. Other pending changes on `em` are stored in the same flush. When the status and
 * reason are unchanged, it only flushes and publishes nothing.
 */
export async function changeConnectionStatus<S extends ConnectionTransition['status']>(
  em: EntityManager,
  events: EventsPort,
  connection: MarketplaceConnection,
  status: S,
  reason: StatusReason<S>,
): Promise<void> {
  const change = applyConnectionStatus(connection, status, reason);
  await em.flush();
  if (change) await publishStatusChange(events, change);
}

export { ConnectionStatus };
