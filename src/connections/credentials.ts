import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { AccessTokenSource, JsonValue, TokenSet } from '../connectors/shared/types.js';
import { MarketplaceError } from '../connectors/shared/errors.js';
import { tenantEntityManager } from '../database/orm.js';
import { ConnectionStatus, Credential, MarketplaceConnection } from '../entities/index.js';
import type { EventsPort } from '../services.js';
import type { Vault } from '../security/vault.js';
import type { ConnectorRegistry } from './registry.js';
import { changeConnectionStatus } from './status.js';

/** Refresh this long before the access token expires, so no call goes out with a dying token. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/** Stores a token set for a connection, encrypted and bound to the tenant and connection. */
export function storeTokens(em: EntityManager, vault: Vault, connection: MarketplaceConnection, tokens: TokenSet, existing: Credential | null): Credential {
  const context = (purpose: string) => ({ tenantId: connection.tenantId, ownerId: connection.id, purpose });
  const accessTokenCiphertext = vault.encrypt(tokens.accessToken, context('access_token'));
  const refreshTokenCiphertext = tokens.refreshToken ? vault.encrypt(tokens.refreshToken, context('refresh_token')) : null;
  if (existing) {
    existing.accessTokenCiphertext = accessTokenCiphertext;
    existing.refreshTokenCiphertext = refreshTokenCiphertext;
    existing.accessTokenExpiresAt = tokens.expiresAt;
    existing.refreshTokenExpiresAt = tokens.refreshTokenExpiresAt ?? null;
    existing.version += 1;
    return existing;
  }
  return em.create(Credential, {
    tenantId: connection.tenantId,
    connection,
    accessTokenCiphertext,
    refreshTokenCiphertext,
    accessTokenExpiresAt: tokens.expiresAt,
    refreshTokenExpiresAt: tokens.refreshTokenExpiresAt ?? null,
  });
}

/**
 * Access tokens for one connection: decrypts the stored token and refreshes it ahead of expiry.
 * One refresh per connection runs at a time across processes (a PostgreSQL advisory lock), and a
 * waiter re-reads the stored result, because MercadoLibre refresh tokens work only once.
 */
export class StoredTokenSource implements AccessTokenSource {
  constructor(
    private readonly deps: { orm: MikroORM; vault: Vault; connectors: ConnectorRegistry; events: EventsPort; logger: Logger },
    private readonly tenantId: string,
    private readonly connectionId: string,
  ) {}

  async getAccessToken(): Promise<string> {
    const em = tenantEntityManager(this.deps.orm, this.tenantId);
    const credential = await this.loadCredential(em);
    if (!needsRefresh(credential)) return this.decrypt(credential, 'access_token', credential.accessTokenCiphertext);
    return this.refresh(credential.version);
  }

  /**
   * Refreshes unless another process already did since `seenVersion`; returns the current access token.
   * A refresh the marketplace rejects marks the connection NEEDS_REAUTH after the transaction has
   * rolled back, so the status change is kept.
   */
  async refresh(seenVersion: number): Promise<string> {
    const em = tenantEntityManager(this.deps.orm, this.tenantId);
    const failure: { rejected?: MarketplaceError } = {};
    try {
      return await em.transactional(async (tx) => {
        // Runs on the transaction's connection, so the lock is held until commit or rollback.
        await tx.execute('select pg_advisory_xact_lock(hashtext(?))', [this.connectionId]);
        const credential = await this.loadCredential(tx, true);
        if (credential.version !== seenVersion && !needsRefresh(credential)) {
          return this.decrypt(credential, 'access_token', credential.accessTokenCiphertext);
        }
        if (!credential.refreshTokenCiphertext) {
          throw new MarketplaceError(credential.connection.marketplace, 'Access token expired and the marketplace gave no refresh token; reconnect the account.', { kind: 'auth', code: 'no_refresh_token' });
        }
        const connector = this.deps.connectors.get(credential.connection.marketplace);
        const refreshToken = this.decrypt(credential, 'refresh_token', credential.refreshTokenCiphertext);
        let tokens: TokenSet;
        try {
          tokens = await connector.refreshTokens(refreshToken, credential.connection.metadata as Record<string, JsonValue>);
        } catch (error) {
          if (error instanceof MarketplaceError && error.kind === 'auth') failure.rejected = error;
          throw error;
        }
        storeTokens(tx, this.deps.vault, credential.connection, tokens, credential);
        await tx.flush();
        this.deps.logger.info({ tenantId: this.tenantId, connectionId: this.connectionId, version: credential.version }, 'access token refreshed');
        return tokens.accessToken;
      });
    } catch (error) {
      if (failure.rejected) await this.markNeedsReauth(failure.rejected);
      throw error;
    }
  }

  private async markNeedsReauth(error: MarketplaceError): Promise<void> {
    this.deps.logger.warn({ tenantId: this.tenantId, connectionId: this.connectionId, code: error.code }, 'token refresh rejected; connection needs reauthorization');
    const em = tenantEntityManager(this.deps.orm, this.tenantId);
    const connection = await em.findOneOrFail(MarketplaceConnection, { id: this.connectionId });
    await changeConnectionStatus(em, this.deps.events, connection, ConnectionStatus.NEEDS_REAUTH, 'refresh_rejected');
  }

  private async loadCredential(em: EntityManager, forUpdate = false): Promise<Credential> {
    const credential = await em.findOne(Credential, { connection: this.connectionId }, { populate: ['connection'], refresh: forUpdate });
    if (!credential) {
      const connection = await em.findOne(MarketplaceConnection, { id: this.connectionId });
      throw new MarketplaceError(connection?.marketplace ?? 'MERCADOLIBRE', `Connection ${this.connectionId} has no stored credentials; connect the account again.`, { kind: 'auth', code: 'no_credentials' });
    }
    return credential;
  }

  private decrypt(credential: Credential, purpose: string, ciphertext: string): string {
    return this.deps.vault.decrypt(ciphertext, { tenantId: credential.tenantId, ownerId: credential.connection.id, purpose });
  }
}

function needsRefresh(credential: Credential): boolean {
  const expiresAt = credential.accessTokenExpiresAt;
  return expiresAt !== null && expiresAt.getTime() - Date.now() < REFRESH_MARGIN_MS;
}
