import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { MarketplaceError, marketplaceName } from '../connectors/shared/errors.js';
import type { AccessTokenSource, TokenSet } from '../connectors/shared/types.js';
import { tenantEntityManager } from '../database/orm.js';
import { ConnectionStatus, Credential, MarketplaceConnection } from '../entities/index.js';
import type { Vault } from '../security/vault.js';
import type { TrafficControlService } from '../traffic/index.js';
import type { EventsPort } from '../services.js';
import type { StatusReason } from './connection-state.js';
import { acquireRefreshLease, NO_REFRESH_STATUSES, releaseRefreshLease, storeRefreshedTokens, type RefreshLease } from './refresh-lease.js';
import type { ConnectorRegistry } from './registry.js';
import { changeConnectionStatus } from './status.js';
import { decryptToken, encryptTokenSet, type TokenOwner } from './token-crypto.js';

export interface TokenSourceDependencies {
  orm: MikroORM;
  vault: Vault;
  connectors: ConnectorRegistry;
  events: EventsPort;
  logger: Logger;
  /** Rate limits for the refresh request; it goes out unmetered without it. */
  traffic?: TrafficControlService;
}

export interface TokenSourceOptions {
  /** `getAccessToken` refreshes a token that expires within this many milliseconds. Default 5 minutes. */
  refreshMarginMs?: number;
  /**
   * How long a refresh lease lasts, in milliseconds. Keep it well above the connectors' HTTP
   * timeout (15 s by default): a holder still waiting for the marketplace after this long can be
   * taken over. Default 60 s.
   */
  leaseTtlMs?: number;
  /** How long a caller waits for another process's refresh before it fails. Default: the lease TTL plus 15 s. */
  waitTimeoutMs?: number;
}

const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;
const DEFAULT_LEASE_TTL_MS = 60_000;
const FIRST_POLL_DELAY_MS = 20;
const MAX_POLL_DELAY_MS = 250;

/**
 * Access tokens for one connection, decrypted from the `credential` row and refreshed ahead of
 * expiry. One refresh per connection runs at a time across processes (the refresh lease, see
 * refresh-lease.ts), and every other caller polls until the new tokens are stored and then uses
 * them. This matters because MercadoLibre refresh tokens work only once.
 */
export class StoredTokenSource implements AccessTokenSource {
  private readonly owner: TokenOwner;
  private readonly holder = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly refreshMarginMs: number;
  private readonly leaseTtlMs: number;
  private readonly waitTimeoutMs: number;
  private readonly log: Logger;

  constructor(
    private readonly deps: TokenSourceDependencies,
    tenantId: string,
    connectionId: string,
    options: TokenSourceOptions = {},
  ) {
    this.owner = { tenantId, connectionId };
    this.refreshMarginMs = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
    this.leaseTtlMs = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    this.waitTimeoutMs = options.waitTimeoutMs ?? this.leaseTtlMs + 15_000;
    this.log = deps.logger.child({ module: 'connections.token-source', tenantId, connectionId });
  }

  async getAccessToken(): Promise<string> {
    const credential = await this.load();
    if (!expiresWithin(credential, this.refreshMarginMs)) return this.accessTokenOf(credential);
    return this.refreshAfter(credential.version);
  }

  /** Returns the stored token when it already differs from `rejectedToken`; otherwise refreshes once, whatever the expiry. */
  async renewAfterUnauthorized(rejectedToken: string): Promise<string> {
    const credential = await this.load();
    const current = this.accessTokenOf(credential);
    if (current !== rejectedToken) return current;
    this.log.info({ version: credential.version }, 'marketplace rejected the access token; refreshing it');
    return this.refreshAfter(credential.version);
  }

  /** Refreshes when the access token expires within `marginMs`; returns whether it did so (or waited for another process that did). */
  async refreshIfExpiringWithin(marginMs: number): Promise<boolean> {
    const credential = await this.load();
    if (!expiresWithin(credential, marginMs)) return false;
    await this.refreshAfter(credential.version);
    return true;
  }

  /**
   * Returns an access token stored after version `seenVersion`: this caller refreshes when it gets
   * the lease, and otherwise polls until the lease holder has stored its result.
   */
  private async refreshAfter(seenVersion: number): Promise<string> {
    const deadline = Date.now() + this.waitTimeoutMs;
    let delayMs = FIRST_POLL_DELAY_MS;
    for (;;) {
      const lease = await acquireRefreshLease(this.em(), this.owner, { seenVersion, holder: this.holder, ttlMs: this.leaseTtlMs });
      if (lease) return this.refreshUnderLease(lease);

      const credential = await this.load();
      if (credential.version !== seenVersion) return this.accessTokenOf(credential);
      const { connection } = credential;
      if (NO_REFRESH_STATUSES.includes(connection.status)) {
        throw new MarketplaceError(
          connection.marketplace,
          `Connection ${connection.id} is ${connection.status} (${connection.statusReason ?? 'no reason recorded'}), so its access token is not refreshed; authorize the account again.`,
          { kind: 'auth', code: 'needs_reauthorization' },
        );
      }
      if (Date.now() > deadline) {
        throw new MarketplaceError(
          connection.marketplace,
          `Timed out after ${this.waitTimeoutMs} ms waiting for another process to refresh the access token of connection ${connection.id}; retry later.`,
          { kind: 'transient', code: 'refresh_wait_timeout' },
        );
      }
      // Jitter spreads the polls of many waiting callers.
      await sleep(delayMs / 2 + Math.random() * (delayMs / 2));
      delayMs = Math.min(delayMs * 2, MAX_POLL_DELAY_MS);
    }
  }

  private async refreshUnderLease(lease: RefreshLease): Promise<string> {
    const refreshTokenCiphertext = lease.refreshTokenCiphertext;
    if (refreshTokenCiphertext === null) {
      const error = new MarketplaceError(
        lease.marketplace,
        `The access token of connection ${lease.connectionId} needs renewing, but ${marketplaceName(lease.marketplace)} issued no refresh token; authorize the account again.`,
        { kind: 'auth', code: 'no_refresh_token' },
      );
      // Released only after the status change, so that no waiting caller tries again.
      try {
        await this.markNeedsReauth('refresh_token_missing', error);
      } finally {
        await this.release(lease);
      }
      throw error;
    }

    let tokens: TokenSet;
    try {
      const refreshToken = decryptToken(this.deps.vault, this.owner, 'refresh_token', refreshTokenCiphertext);
      const traffic = this.deps.traffic?.forConnection({
        marketplace: lease.marketplace,
        tenantId: this.owner.tenantId,
        connectionId: this.owner.connectionId,
        accountId: lease.accountId,
      });
      tokens = await this.deps.connectors.get(lease.marketplace).refreshTokens(refreshToken, lease.metadata, { traffic });
    } catch (error) {
      // Released only after a NEEDS_REAUTH change, so that no waiting caller repeats a rejected refresh.
      try {
        if (error instanceof MarketplaceError && error.kind === 'auth') return await this.recoverFromRejectedRefresh(lease, error);
        throw error;
      } finally {
        await this.release(lease);
      }
    }

    const outcome = await storeRefreshedTokens(this.em(), lease, encryptTokenSet(this.deps.vault, this.owner, tokens));
    const fields = { fence: lease.fence, previousVersion: lease.version };
    switch (outcome.status) {
      case 'stored':
        this.log.info({ ...fields, version: outcome.version }, 'access token refreshed');
        return tokens.accessToken;
      case 'stored_after_takeover':
        this.log.warn({ ...fields, version: outcome.version }, 'refresh lease expired before the refresh finished; stored the new tokens because no newer ones existed');
        return tokens.accessToken;
      case 'superseded':
        this.log.warn(fields, 'refresh lease was taken over and newer tokens were stored meanwhile; dropped the tokens of this refresh');
        return this.accessTokenOf(await this.load());
    }
  }

  /**
   * Handles an `invalid_grant` (or other auth failure) of the refresh request. Another process may
   * have rotated the token already, by a new authorization or by a refresh that finished after its
   * lease expired. In that case the stored token is current and is returned. Otherwise the
   * connection needs a new authorization, which is recorded before the error is rethrown.
   */
  private async recoverFromRejectedRefresh(lease: RefreshLease, error: MarketplaceError): Promise<string> {
    const credential = await this.em().findOne(Credential, { connection: this.owner.connectionId }, { populate: ['connection'] });
    if (credential && credential.version !== lease.version) {
      this.log.info({ code: error.code, previousVersion: lease.version, version: credential.version }, 'refresh token was rejected, but another process had already stored new tokens; using them');
      return this.accessTokenOf(credential);
    }
    await this.markNeedsReauth('refresh_rejected', error);
    throw error;
  }

  private async markNeedsReauth(reason: StatusReason<ConnectionStatus.NEEDS_REAUTH>, error: MarketplaceError): Promise<void> {
    this.log.warn({ reason, code: error.code, status: error.status }, 'token refresh is not possible; the connection needs a new authorization');
    const em = this.em();
    const connection = await em.findOneOrFail(MarketplaceConnection, { id: this.owner.connectionId });
    await changeConnectionStatus(em, this.deps.events, connection, ConnectionStatus.NEEDS_REAUTH, reason);
  }

  /** Frees the lease after a failed refresh. A failure here is only logged, because the lease expires on its own. */
  private async release(lease: RefreshLease): Promise<void> {
    try {
      await releaseRefreshLease(this.em(), lease);
    } catch (error) {
      this.log.warn({ err: error, fence: lease.fence }, 'could not release the refresh lease; other callers wait until it expires');
    }
  }

  private async load(): Promise<Credential> {
    const em = this.em();
    const credential = await em.findOne(Credential, { connection: this.owner.connectionId }, { populate: ['connection'] });
    if (credential) return credential;
    const connection = await em.findOne(MarketplaceConnection, { id: this.owner.connectionId });
    throw new MarketplaceError(
      connection?.marketplace ?? 'MERCADOLIBRE',
      `Connection ${this.owner.connectionId} has no stored credentials; connect the account again.`,
      { kind: 'auth', code: 'no_credentials' },
    );
  }

  private accessTokenOf(credential: Credential): string {
    return decryptToken(this.deps.vault, this.owner, 'access_token', credential.accessTokenCiphertext);
  }

  private em() {
    return tenantEntityManager(this.deps.orm, this.owner.tenantId);
  }
}

function expiresWithin(credential: Credential, marginMs: number): boolean {
  const expiresAt = credential.accessTokenExpiresAt;
  return expiresAt !== null && expiresAt.getTime() - Date.now() < marginMs;
}
