import type { MikroORM } from '@mikro-orm/postgresql';
import type { TokenSet } from '../connectors/shared/types.js';
import { tenantEntityManager } from '../database/orm.js';
import { ConnectionStatus, Credential, MarketplaceConnection, type Marketplace } from '../entities/index.js';
import type { Vault } from '../security/vault.js';
import type { EventsPort } from '../services.js';
import type { StatusReason } from './connection-state.js';
import { storeTokens } from './credentials.js';
import { changeConnectionStatus } from './status.js';

/**
 * Stores verified tokens for the tenant's account on a marketplace and makes the connection ACTIVE.
 * An account connected before (the same marketplace and account id, even a disconnected one) keeps
 * its connection row, so its listings and sync runs stay attached. Returns the connection id.
 */
export async function saveConnection(
  deps: { orm: MikroORM; vault: Vault; events: EventsPort },
  input: { tenantId: string; marketplace: Marketplace; tokens: TokenSet; reason: StatusReason<ConnectionStatus.ACTIVE> },
): Promise<string> {
  const { tenantId, marketplace, tokens } = input;
  const em = tenantEntityManager(deps.orm, tenantId);
  const connection = await em.transactional(async (tx) => {
    let found = await tx.findOne(MarketplaceConnection, { marketplace, externalAccountId: tokens.accountId });
    if (!found) {
      found = tx.create(MarketplaceConnection, { tenantId, marketplace, externalAccountId: tokens.accountId });
    }
    found.scopes = tokens.scopes;
    found.metadata = tokens.metadata ?? {};
    if (tokens.accountName) found.accountName = tokens.accountName;
    const existing = await tx.findOne(Credential, { connection: found });
    storeTokens(tx, deps.vault, found, tokens, existing);
    await tx.flush();
    return found;
  });
  await changeConnectionStatus(em, deps.events, connection, ConnectionStatus.ACTIVE, input.reason);
  return connection.id;
}
