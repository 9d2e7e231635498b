import type { Logger } from 'pino';
import type { ConnectionHealthReporter } from '../connectors/shared/resilience/index.js';
import { crossTenantEntityManager, tenantEntityManager, type MikroORM } from '../database/orm.js';
import { MarketplaceConnection } from '../entities/index.js';
import type { EventsPort } from '../services.js';

/**
 * Stores what the circuit breakers observe as the connection's `degradedAt` and `degradedReason`,
 * and publishes CONNECTION_DEGRADED and CONNECTION_RECOVERED. Each change is one conditional
 * UPDATE, so when several processes report the same change only the first one publishes it.
 */
export class ConnectionHealthService implements ConnectionHealthReporter {
  constructor(private readonly deps: { orm: MikroORM; events: EventsPort; logger: Logger }) {}

  async markDegraded(connectionId: string, reason: string): Promise<void> {
    const tenantId = await this.tenantOf(connectionId);
    if (tenantId === null) return;
    const em = tenantEntityManager(this.deps.orm, tenantId);
    const changed = await em.nativeUpdate(MarketplaceConnection, { id: connectionId, degradedAt: null }, { degradedAt: new Date(), degradedReason: reason });
    if (changed === 0) return;
    this.deps.logger.warn({ tenantId, connectionId, reason }, 'connection degraded');
    await this.deps.events.publish({ type: 'CONNECTION_DEGRADED', tenantId, connectionId, message: 'marketplace calls paused by the circuit breaker', data: { reason } });
  }

  async markRecovered(connectionId: string): Promise<void> {
    const tenantId = await this.tenantOf(connectionId);
    if (tenantId === null) return;
    const em = tenantEntityManager(this.deps.orm, tenantId);
    const changed = await em.nativeUpdate(MarketplaceConnection, { id: connectionId, degradedAt: { $ne: null } }, { degradedAt: null, degradedReason: null });
    if (changed === 0) return;
    this.deps.logger.info({ tenantId, connectionId }, 'connection recovered');
    await this.deps.events.publish({ type: 'CONNECTION_RECOVERED', tenantId, connectionId, message: 'marketplace calls work again' });
  }

  /** Returns the connection's tenant, or null when the connection was deleted meanwhile (nothing to record). */
  private async tenantOf(connectionId: string): Promise<string | null> {
    const connection = await crossTenantEntityManager(this.deps.orm).findOne(MarketplaceConnection, { id: connectionId }, { filters: false, fields: ['tenantId'] });
    if (!connection) this.deps.logger.debug({ connectionId }, 'circuit change for a connection that no longer exists; ignored');
    return connection?.tenantId ?? null;
  }
}
