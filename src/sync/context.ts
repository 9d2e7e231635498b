import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { ConnectorSession } from '../connectors/shared/contract.js';
import type { JsonValue } from '../connectors/shared/types.js';
import { StoredTokenSource } from '../connections/credentials.js';
import type { ConnectorRegistry } from '../connections/registry.js';
import type { MarketplaceConnection, SyncRun } from '../entities/index.js';
import type { Vault } from '../security/vault.js';
import type { EventsPort } from '../services.js';
import type { TrafficControlService } from '../traffic/index.js';
import type { SyncScheduler } from './scheduling.js';

/** Dependencies the sync services share, built once at start. */
export interface SyncDependencies {
  orm: MikroORM;
  connectors: ConnectorRegistry;
  vault: Vault;
  events: EventsPort;
  scheduler: SyncScheduler;
  /** Rate limits shared by every process; marketplace calls go out unmetered without it. */
  traffic?: TrafficControlService;
  logger: Logger;
}

/** Builds the connector session for a connection; API calls are counted on `run` when given. */
export function sessionFor(deps: SyncDependencies, connection: MarketplaceConnection, run?: SyncRun): ConnectorSession {
  return {
    accountId: connection.externalAccountId,
    connectionId: connection.id,
    metadata: connection.metadata as Record<string, JsonValue>,
    tokens: new StoredTokenSource(deps, connection.tenantId, connection.id),
    logger: deps.logger.child({ tenantId: connection.tenantId, connectionId: connection.id, marketplace: connection.marketplace }),
    onApiCall: run ? () => { run.apiCalls += 1; } : undefined,
    traffic: deps.traffic?.forConnection({
      marketplace: connection.marketplace,
      tenantId: connection.tenantId,
      connectionId: connection.id,
      accountId: connection.externalAccountId,
    }),
  };
}
