import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { ApiKeyCredentials, ConnectorSession } from '../connectors/shared/contract.js';
import { MarketplaceError, marketplaceName } from '../connectors/shared/errors.js';
import type { JsonValue, TokenSet } from '../connectors/shared/types.js';
import { tenantEntityManager, type EntityManager } from '../database/orm.js';
import { ConnectionStatus, Credential, MarketplaceConnection, SyncRunKind, type Marketplace } from '../entities/index.js';
import { AppError } from '../errors.js';
import type { Vault } from '../security/vault.js';
import type { TrafficControlService } from '../traffic/index.js';
import type { AuthorizationRevocation, DisconnectOutcome, EventsPort, SyncPort } from '../services.js';
import { DISCONNECT_REASONS } from './connection-state.js';
import { StoredTokenSource } from './credentials.js';
import type { ConnectorRegistry } from './registry.js';
import { saveConnection } from './save-connection.js';
import { applyConnectionStatus, changeConnectionStatus, publishStatusChange, type StatusChange } from './status.js';

export interface ConnectionLifecycleDependencies {
  orm: MikroORM;
  vault: Vault;
  connectors: ConnectorRegistry;
  events: EventsPort;
  sync: SyncPort;
  logger: Logger;
  /** Rate limits for token requests (code exchange, forced refresh); they go out unmetered without it. */
  traffic?: TrafficControlService;
}

/**
 * Connection management after the first authorization: connecting with keys a seller copied,
 * disconnecting, and forcing a token refresh. Every method acts on the tenant's own connections
 * only, and expected failures are AppErrors with a localized message key.
 */
export class ConnectionLifecycle {
  constructor(private readonly deps: ConnectionLifecycleDependencies) {}

  /**
   * Verifies seller-portal keys with the marketplace, then stores them and queues an import. Keys
   * the marketplace rejects store nothing, so an existing connection keeps its previous secrets.
   */
  async connectWithApiKey(input: { tenantId: string; marketplace: Marketplace; credentials: ApiKeyCredentials }): Promise<string> {
    const connector = this.deps.connectors.get(input.marketplace);
    const name = marketplaceName(input.marketplace);
    if (!connector.connectWithApiKey) {
      throw new AppError('BAD_USER_INPUT', 'errors.input.apiKeyNotSupported', `${name} connects through authorization, not API keys; use startMarketplaceAuthorization.`, { marketplace: name });
    }
    const log = this.deps.logger.child({ tenantId: input.tenantId, marketplace: input.marketplace, accountId: input.credentials.accountId });
    let tokens: TokenSet;
    try {
      tokens = await connector.connectWithApiKey(input.credentials);
    } catch (error) {
      if (!(error instanceof MarketplaceError)) throw error;
      log.warn({ kind: error.kind, code: error.code, status: error.status }, 'seller keys could not be verified');
      if (error.kind === 'auth' || error.kind === 'invalid_input') {
        throw new AppError('BAD_USER_INPUT', 'errors.input.apiKeyRejected', `${name} rejected the keys (${error.code ?? error.kind}); nothing was stored.`, { marketplace: name });
      }
      throw marketplaceCallError(input.marketplace, error);
    }
    const connectionId = await saveConnection(this.deps, { tenantId: input.tenantId, marketplace: input.marketplace, tokens, reason: 'api_key_verified' });
    log.info({ connectionId }, 'marketplace account connected with seller keys');
    await this.deps.sync.startSync({ tenantId: input.tenantId, connectionId, kind: SyncRunKind.IMPORT, trigger: 'api_key' });
    return connectionId;
  }

  /**
   * Asks the marketplace to remove the authorization where it documents a call for it, then deletes
   * the stored secrets and marks the connection DISCONNECTED, whatever the marketplace's response.
   * Listings and sync runs are kept. Disconnecting an already disconnected connection changes nothing.
   */
  async disconnect(input: { tenantId: string; connectionId: string }): Promise<DisconnectOutcome> {
    const em = tenantEntityManager(this.deps.orm, input.tenantId);
    const connection = await findConnection(em, input.connectionId);
    const credential = await em.findOne(Credential, { connection: connection.id });
    const revocation: AuthorizationRevocation = credential ? await this.revoke(connection) : 'NO_CREDENTIALS';

    const change = await em.transactional(async (tx): Promise<StatusChange | null> => {
      await tx.nativeDelete(Credential, { connection: connection.id });
      const row = await tx.findOneOrFail(MarketplaceConnection, { id: connection.id }, { refresh: true });
      if (revocation === 'NO_CREDENTIALS' && row.status === ConnectionStatus.DISCONNECTED) return null;
      row.disconnectedAt = new Date();
      return applyConnectionStatus(row, ConnectionStatus.DISCONNECTED, DISCONNECT_REASONS[revocation]);
    });
    if (change) await publishStatusChange(this.deps.events, change);
    this.deps.logger.info({ tenantId: input.tenantId, connectionId: connection.id, marketplace: connection.marketplace, revocation }, 'marketplace connection disconnected');
    return { connectionId: connection.id, revocation };
  }

  /**
   * Refreshes the access token now, whatever its expiry, through the same lease the sync jobs use.
   * A connection in ERROR or NEEDS_REAUTH that refreshes successfully becomes ACTIVE again.
   */
  async refresh(input: { tenantId: string; connectionId: string }): Promise<void> {
    const em = tenantEntityManager(this.deps.orm, input.tenantId);
    const connection = await findConnection(em, input.connectionId);
    const name = marketplaceName(connection.marketplace);
    const params = { id: connection.id, marketplace: name };
    if (connection.status === ConnectionStatus.DISCONNECTED) {
      throw new AppError('CONFLICT', 'errors.conflict.connectionDisconnected', `Connection ${connection.id} is disconnected; connect the account again.`, params);
    }
    if (connection.status === ConnectionStatus.NEEDS_REAUTH) {
      throw new AppError('CONFLICT', 'errors.conflict.needsReauthorization', `Connection ${connection.id} needs a new authorization; its refresh token no longer works.`, params);
    }
    const credential = await em.findOne(Credential, { connection: connection.id });
    if (!credential) {
      throw new AppError('CONFLICT', 'errors.conflict.noCredentials', `Connection ${connection.id} has no stored credentials; connect the account again.`, params);
    }
    if (!credential.refreshTokenCiphertext) {
      throw new AppError('BAD_USER_INPUT', 'errors.input.refreshNotSupported', `Connection ${connection.id} has no refresh token, so there is nothing to refresh.`, params);
    }

    const tokens = new StoredTokenSource(this.deps, input.tenantId, connection.id);
    let refreshed: boolean;
    try {
      // An infinite margin makes every token with an expiry due. Tokens that come with a refresh
      // token always get one (a default when the marketplace sends none), so this refreshes.
      refreshed = await tokens.refreshIfExpiringWithin(Number.POSITIVE_INFINITY);
    } catch (error) {
      if (!(error instanceof MarketplaceError)) throw error;
      throw await this.refreshFailure(input.tenantId, connection, error);
    }
    // The token source stored the tokens through its own entity manager, so the row is read again.
    const row = await em.findOneOrFail(MarketplaceConnection, { id: connection.id }, { refresh: true });
    if (row.status !== ConnectionStatus.ACTIVE) await changeConnectionStatus(em, this.deps.events, row, ConnectionStatus.ACTIVE, 'refreshed');
    this.deps.logger.info({ tenantId: input.tenantId, connectionId: connection.id, refreshed }, refreshed ? 'access token refreshed on request' : 'access token has no expiry, so nothing was refreshed');
  }

  /** Calls the marketplace's revocation and returns its outcome. A failed call is logged and returned as FAILED instead of thrown. */
  private async revoke(connection: MarketplaceConnection): Promise<AuthorizationRevocation> {
    const log = this.deps.logger.child({ tenantId: connection.tenantId, connectionId: connection.id, marketplace: connection.marketplace });
    const connector = this.deps.connectors.find(connection.marketplace);
    if (!connector) {
      log.warn('marketplace is not configured on this service, so the authorization was not revoked there');
      return 'FAILED';
    }
    if (!connector.revokeAuthorization) return 'NOT_SUPPORTED';
    // NOTE: this one call goes out without the rate limiter (session.traffic), which the sync jobs use.
    const session: ConnectorSession = {
      accountId: connection.externalAccountId,
      connectionId: connection.id,
      metadata: connection.metadata as Record<string, JsonValue>,
      tokens: new StoredTokenSource(this.deps, connection.tenantId, connection.id),
      logger: log,
    };
    try {
      await connector.revokeAuthorization(session);
      return 'REVOKED';
    } catch (error) {
      // The local disconnect goes ahead either way. The FAILED outcome makes the result message direct the merchant to the seller portal.
      if (error instanceof MarketplaceError) log.warn({ kind: error.kind, code: error.code, status: error.status }, 'marketplace did not revoke the authorization');
      else log.error({ err: error }, 'revoking the authorization failed unexpectedly');
      return 'FAILED';
    }
  }

  /** Builds the error for a failed forced refresh. An unusable response also moves the connection to ERROR. */
  private async refreshFailure(tenantId: string, connection: MarketplaceConnection, error: MarketplaceError): Promise<AppError> {
    const name = marketplaceName(connection.marketplace);
    this.deps.logger.warn({ tenantId, connectionId: connection.id, kind: error.kind, code: error.code, status: error.status }, 'forced token refresh failed');
    if (error.kind === 'auth') {
      return new AppError('CONFLICT', 'errors.conflict.refreshRejected', `${name} rejected the token refresh of connection ${connection.id}; connect the account again.`, { id: connection.id, marketplace: name });
    }
    if (error.kind !== 'transient' && error.kind !== 'throttled') {
      const em = tenantEntityManager(this.deps.orm, tenantId);
      const row = await em.findOneOrFail(MarketplaceConnection, { id: connection.id });
      await changeConnectionStatus(em, this.deps.events, row, ConnectionStatus.ERROR, 'refresh_failed');
    }
    return marketplaceCallError(connection.marketplace, error);
  }
}

/** Maps a marketplace failure that is not about the caller's input to MARKETPLACE_UNAVAILABLE. */
function marketplaceCallError(marketplace: Marketplace, error: MarketplaceError): AppError {
  const name = marketplaceName(marketplace);
  if (error.kind === 'transient' || error.kind === 'throttled') {
    return new AppError('MARKETPLACE_UNAVAILABLE', 'errors.marketplace.unavailable', `${name} did not respond or asked to wait (${error.code ?? error.kind}); retry in a few minutes.`, { marketplace: name });
  }
  return new AppError('MARKETPLACE_UNAVAILABLE', 'errors.marketplace.invalidResponse', `${name} responded with data this service does not understand (${error.code ?? error.kind}); retry later.`, { marketplace: name });
}

async function findConnection(em: EntityManager, connectionId: string): Promise<MarketplaceConnection> {
  const connection = await em.findOne(MarketplaceConnection, { id: connectionId });
  if (!connection) throw new AppError('NOT_FOUND', 'errors.notFound.connection', `Connection ${connectionId} was not found.`, { id: connectionId });
  return connection;
}
