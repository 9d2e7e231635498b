import type { Logger } from 'pino';
import { storeTokens } from '../../src/connections/credentials.js';
import { ConnectorRegistry } from '../../src/connections/registry.js';
import { decryptToken } from '../../src/connections/token-crypto.js';
import { StoredTokenSource, type TokenSourceDependencies, type TokenSourceOptions } from '../../src/connections/token-source.js';
import { createMercadoLibreConfig, createMercadoLibreConnector } from '../../src/connectors/mercadolibre/index.js';
import { createPkcePair } from '../../src/connectors/shared/pkce.js';
import { tenantEntityManager, type MikroORM } from '../../src/database/orm.js';
import { ConnectionStatus, Credential, Marketplace, MarketplaceConnection } from '../../src/entities/index.js';
import { createPostgresEvents, type PostgresEvents } from '../../src/events/postgres-events.js';
import { startMercadoLibreSandbox } from '../../src/sandbox/mercadolibre/index.js';
import type { MercadoLibreSandbox, RecordedRequest } from '../../src/sandbox/mercadolibre/types.js';
import { generateKey, Vault } from '../../src/security/vault.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { testLogger } from './logger.js';
import { recordSecret } from './secret-ledger.js';

export const REFRESH_CLIENT_ID = '5555666677778888';
export const REFRESH_CLIENT_SECRET = 'refresh-sandbox-client-secret-0123';
export const REFRESH_REDIRECT_URI = 'https://integrations.example.test/oauth/mercadolibre/callback';

/** A MercadoLibre seller connected to a tenant, with its tokens stored as an authorization stores them. */
export interface SeededConnection {
  tenantId: string;
  connectionId: string;
  userId: number;
}

/**
 * What the token refresh tests share: a fresh database, the MercadoLibre sandbox (single-use
 * refresh tokens), the real connector, a vault and LISTEN/NOTIFY events. No job queue and no
 * authorization service, so the tests depend only on the token lifecycle.
 */
export interface RefreshHarness {
  db: TestDatabase;
  orm: MikroORM;
  sandbox: MercadoLibreSandbox;
  vault: Vault;
  /** The vault's key ring in ENCRYPTION_KEYS form, for a second process. */
  keyRing: string;
  events: PostgresEvents;
  logger: Logger;
  deps: TokenSourceDependencies;
  connectSeller(tenantId: string, nickname: string): Promise<SeededConnection>;
  tokenSource(connection: SeededConnection, options?: TokenSourceOptions): StoredTokenSource;
  loadCredential(connection: SeededConnection): Promise<Credential>;
  loadConnection(connection: SeededConnection): Promise<MarketplaceConnection>;
  storedAccessToken(connection: SeededConnection): Promise<string>;
  storedRefreshToken(connection: SeededConnection): Promise<string>;
  setAccessTokenExpiry(connection: SeededConnection, expiresAt: Date): Promise<void>;
  /** Refresh-token grants the sandbox received since `from` (an index into `sandbox.requests`). */
  refreshRequestsSince(from: number): RecordedRequest[];
  /** Status of GET /users/me called with `token`, as any API call of the connector would send it. */
  callWithToken(token: string): Promise<number>;
  close(): Promise<void>;
}

export async function startRefreshHarness(): Promise<RefreshHarness> {
  const logger = testLogger();
  const db = await createTestDatabase();
  const { orm } = db;
  const sandbox = await startMercadoLibreSandbox({
    apps: [{ clientId: REFRESH_CLIENT_ID, clientSecret: REFRESH_CLIENT_SECRET, redirectUris: [REFRESH_REDIRECT_URI], requirePkce: true }],
    ratePerSecond: 10_000,
    logger,
  });
  const connector = createMercadoLibreConnector(createMercadoLibreConfig({
    clientId: REFRESH_CLIENT_ID,
    clientSecret: REFRESH_CLIENT_SECRET,
    redirectUri: REFRESH_REDIRECT_URI,
    authBaseUrl: sandbox.url,
    apiBaseUrl: sandbox.url,
  }));
  const connectors = new ConnectorRegistry();
  connectors.register(connector);
  const key = generateKey('refresh-k1');
  const keyRing = `${key.id}:${key.key.toString('base64')}`;
  recordSecret('encryption key (base64)', key.key.toString('base64'));
  recordSecret('mercadolibre client secret', REFRESH_CLIENT_SECRET);
  const vault = new Vault([key]);
  const events = await createPostgresEvents({ databaseUrl: db.url, logger });
  const deps: TokenSourceDependencies = { orm, vault, connectors, events, logger };

  const owner = (connection: SeededConnection) => ({ tenantId: connection.tenantId, connectionId: connection.connectionId });
  const loadCredential = (connection: SeededConnection) =>
    tenantEntityManager(orm, connection.tenantId).findOneOrFail(Credential, { connection: connection.connectionId });

  return {
    db, orm, sandbox, vault, keyRing, events, logger, deps,

    async connectSeller(tenantId, nickname) {
      const { userId } = sandbox.seedSeller({ nickname, items: [] });
      const pkce = createPkcePair();
      const code = sandbox.issueAuthorizationCode({ clientId: REFRESH_CLIENT_ID, userId, redirectUri: REFRESH_REDIRECT_URI, codeChallenge: pkce.challenge });
      const tokens = await connector.exchangeCode({ code, codeVerifier: pkce.verifier });
      const em = tenantEntityManager(orm, tenantId);
      const connection = em.create(MarketplaceConnection, {
        tenantId,
        marketplace: Marketplace.MERCADOLIBRE,
        externalAccountId: tokens.accountId,
        status: ConnectionStatus.ACTIVE,
        statusReason: 'authorized',
        scopes: tokens.scopes,
      });
      storeTokens(em, vault, connection, tokens, null);
      await em.flush();
      return { tenantId, connectionId: connection.id, userId };
    },

    tokenSource(connection, options) {
      return new StoredTokenSource(deps, connection.tenantId, connection.connectionId, options);
    },

    loadCredential,

    loadConnection(connection) {
      return tenantEntityManager(orm, connection.tenantId).findOneOrFail(MarketplaceConnection, { id: connection.connectionId });
    },

    async storedAccessToken(connection) {
      const credential = await loadCredential(connection);
      return decryptToken(vault, owner(connection), 'access_token', credential.accessTokenCiphertext);
    },

    async storedRefreshToken(connection) {
      const credential = await loadCredential(connection);
      if (credential.refreshTokenCiphertext === null) throw new Error(`Connection ${connection.connectionId} has no stored refresh token.`);
      return decryptToken(vault, owner(connection), 'refresh_token', credential.refreshTokenCiphertext);
    },

    async setAccessTokenExpiry(connection, expiresAt) {
      await orm.em.getConnection().execute('update credential set access_token_expires_at = ? where connection_id = ?', [expiresAt, connection.connectionId]);
    },

    refreshRequestsSince(from) {
      return sandbox.requests.slice(from).filter((request) => {
        if (request.method !== 'POST' || request.path !== '/oauth/token') return false;
        const body = request.body;
        return typeof body === 'object' && body !== null && 'grant_type' in body && body.grant_type === 'refresh_token';
      });
    },

    async callWithToken(token) {
      const response = await fetch(`${sandbox.url}/users/me`, { headers: { authorization: `Bearer ${token}` } });
      await response.body?.cancel();
      return response.status;
    },

    async close() {
      await events.close();
      await sandbox.close();
      await db.close();
    },
  };
}
