import type { EntityManager } from '@mikro-orm/postgresql';
import { ConnectionStatus, type MarketplaceConnection } from '../entities/index.js';
import type { EventsPort } from '../services.js';

/**
 * Moves a connection to `status` with the reason and time of the change, and publishes the change.
 * Flushes `em`. Does nothing when the status and reason are unchanged.
 */
export async function changeConnectionStatus(
  em: EntityManager,
  events: EventsPort,
  connection: MarketplaceConnection,
  status: ConnectionStatus,
  reason: string | null,
): Promise<void> {
  if (connection.status === status && connection.statusReason === reason) return;
  const previous = connection.status;
  connection.status = status;
  connection.statusReason = reason;
  connection.statusChangedAt = new Date();
  await em.flush();
  await events.publish({
    type: 'CONNECTION_STATUS_CHANGED',
    tenantId: connection.tenantId,
    connectionId: connection.id,
    message: `connection ${previous} -> ${status}`,
    data: { previous, status, reason },
  });
}

export { ConnectionStatus };
