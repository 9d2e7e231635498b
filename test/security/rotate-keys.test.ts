import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeTokens } from '../../src/connections/credentials.js';
import { tenantEntityManager, type MikroORM } from '../../src/database/orm.js';
import { Credential, Marketplace, MarketplaceConnection, OAuthState } from '../../src/entities/index.js';
import { rotateKeys } from '../../src/security/rotate-keys.js';
import { generateKey, Vault, VaultError } from '../../src/security/vault.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { testLogger } from '../support/logger.js';
import { recordSecret } from '../support/secret-ledger.js';

const logger = testLogger();
const key1 = generateKey('k1');
const key2 = generateKey('k2');
for (const key of [key1, key2]) recordSecret('encryption key (base64)', key.key.toString('base64'));
const oldVault = new Vault([key1]);
const rotatingVault = new Vault([key2, key1]);
const newVault = new Vault([key2]);

interface StoredSeller {
  tenantId: string;
  connectionId: string;
  credentialId: string;
  accessToken: string;
  refreshToken: string;
}

/** Stores a connection with tokens encrypted under key 1. */
async function storeSeller(orm: MikroORM, tenantId: string, accountId: string): Promise<StoredSeller> {
  const em = tenantEntityManager(orm, tenantId);
  const connection = em.create(MarketplaceConnection, { tenantId, marketplace: Marketplace.MERCADOLIBRE, externalAccountId: accountId });
  const accessToken = `APP_USR-access-${accountId}`;
  const refreshToken = `TG-refresh-${accountId}`;
  recordSecret('MERCADOLIBRE access_token', accessToken);
  recordSecret('MERCADOLIBRE refresh_token', refreshToken);
  const credential = storeTokens(em, oldVault, connection, { accessToken, refreshToken, expiresAt: null, scopes: [], accountId }, null);
  await em.flush();
  return { tenantId, connectionId: connection.id, credentialId: credential.id, accessToken, refreshToken };
}

async function storeState(orm: MikroORM, tenantId: string, overrides: { usedAt?: Date; expiresAt?: Date }): Promise<{ id: string; ciphertext: string }> {
  const em = tenantEntityManager(orm, tenantId);
  const row = em.create(OAuthState, {
    tenantId,
    stateHash: `${Math.random().toString(16).slice(2)}${Date.now()}`.padEnd(64, '0').slice(0, 64),
    marketplace: Marketplace.MERCADOLIBRE,
    redirectUri: 'http://127.0.0.1/callback',
    expiresAt: overrides.expiresAt ?? new Date(Date.now() + 10 * 60_000),
    usedAt: overrides.usedAt ?? null,
  });
  row.codeVerifierCiphertext = oldVault.encrypt(`verifier-${row.id}`, { tenantId, ownerId: row.id, purpose: 'code_verifier' });
  await em.flush();
  return { id: row.id, ciphertext: row.codeVerifierCiphertext };
}

async function loadCredential(orm: MikroORM, seller: StoredSeller): Promise<Credential> {
  return tenantEntityManager(orm, seller.tenantId).findOneOrFail(Credential, { id: seller.credentialId });
}

describe('rotateKeys', () => {
  let db: TestDatabase;
  let sellers: StoredSeller[];
  let pendingState: { id: string; ciphertext: string };
  let usedState: { id: string; ciphertext: string };
  let expiredState: { id: string; ciphertext: string };
  let firstRun: Awaited<ReturnType<typeof rotateKeys>>;

  beforeAll(async () => {
    db = await createTestDatabase();
    sellers = [
      await storeSeller(db.orm, 'tenant-a', 'SELLER_A1'),
      await storeSeller(db.orm, 'tenant-a', 'SELLER_A2'),
      await storeSeller(db.orm, 'tenant-b', 'SELLER_B1'),
    ];
    pendingState = await storeState(db.orm, 'tenant-b', {});
    usedState = await storeState(db.orm, 'tenant-b', { usedAt: new Date() });
    expiredState = await storeState(db.orm, 'tenant-a', { expiresAt: new Date(Date.now() - 60_000) });
    // A batch size of 2 makes the three credentials span two batches.
    firstRun = await rotateKeys({ orm: db.orm, vault: rotatingVault, logger, batchSize: 2 });
  });

  afterAll(async () => {
    await db?.close();
  });

  it('counts every rewritten row', () => {
    expect(firstRun).toEqual({ credentials: 3, states: 1, skipped: 0 });
  });

  it('puts every credential under the new key', async () => {
    for (const seller of sellers) {
      const credential = await loadCredential(db.orm, seller);
      expect(Vault.keyIdOf(credential.accessTokenCiphertext)).toBe('k2');
      expect(Vault.keyIdOf(credential.refreshTokenCiphertext!)).toBe('k2');
      expect(credential.version).toBe(1);
    }
  });

  it('keeps tokens readable with the new key alone', async () => {
    for (const seller of sellers) {
      const credential = await loadCredential(db.orm, seller);
      const context = (purpose: string) => ({ tenantId: seller.tenantId, ownerId: seller.connectionId, purpose });
      expect(newVault.decrypt(credential.accessTokenCiphertext, context('access_token'))).toBe(seller.accessToken);
      expect(newVault.decrypt(credential.refreshTokenCiphertext!, context('refresh_token'))).toBe(seller.refreshToken);
    }
  });

  it('keeps ciphertexts bound to their tenant', async () => {
    const [sellerA, , sellerB] = sellers as [StoredSeller, StoredSeller, StoredSeller];
    const credentialA = await loadCredential(db.orm, sellerA);
    await db.orm.em.getConnection().execute('update credential set access_token_ciphertext = ? where id = ?', [credentialA.accessTokenCiphertext, sellerB.credentialId]);
    const copied = await loadCredential(db.orm, sellerB);

    expect(copied.accessTokenCiphertext).toBe(credentialA.accessTokenCiphertext);
    expect(() => newVault.decrypt(copied.accessTokenCiphertext, { tenantId: sellerB.tenantId, ownerId: sellerB.connectionId, purpose: 'access_token' })).toThrow(VaultError);
  });

  it('rotates only pending OAuth states', async () => {
    const em = db.orm.em.fork();
    const pending = await em.findOneOrFail(OAuthState, { id: pendingState.id }, { filters: false });
    const used = await em.findOneOrFail(OAuthState, { id: usedState.id }, { filters: false });
    const expired = await em.findOneOrFail(OAuthState, { id: expiredState.id }, { filters: false });

    expect(Vault.keyIdOf(pending.codeVerifierCiphertext!)).toBe('k2');
    expect(newVault.decrypt(pending.codeVerifierCiphertext!, { tenantId: 'tenant-b', ownerId: pending.id, purpose: 'code_verifier' })).toBe(`verifier-${pending.id}`);
    expect(used.codeVerifierCiphertext).toBe(usedState.ciphertext);
    expect(expired.codeVerifierCiphertext).toBe(expiredState.ciphertext);
  });

  it('rewrites nothing on a second run', async () => {
    const second = await rotateKeys({ orm: db.orm, vault: rotatingVault, logger });
    expect(second).toEqual({ credentials: 0, states: 0, skipped: 0 });
  });
});

describe('rotateKeys with a concurrent writer', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db?.close();
  });

  it('keeps a row changed between read and write', async () => {
    const seller = await storeSeller(db.orm, 'tenant-race', 'SELLER_RACE');
    const context = (purpose: string) => ({ tenantId: seller.tenantId, ownerId: seller.connectionId, purpose });
    const refreshedAccess = newVault.encrypt('APP_USR-refreshed', context('access_token'));
    const refreshedRefresh = newVault.encrypt('TG-refreshed', context('refresh_token'));

    // A token refresh holds the row lock while the rotation reads the old ciphertext and tries to write.
    const writer = new pg.Client({ connectionString: db.url });
    await writer.connect();
    try {
      await writer.query('begin');
      await writer.query('update credential set access_token_ciphertext = $1, refresh_token_ciphertext = $2, version = version + 1 where id = $3', [
        refreshedAccess,
        refreshedRefresh,
        seller.credentialId,
      ]);

      const rotation = rotateKeys({ orm: db.orm, vault: rotatingVault, logger });
      await waitForBlockedUpdate(writer);
      await writer.query('commit');
      const result = await rotation;

      expect(result).toEqual({ credentials: 0, states: 0, skipped: 1 });
    } finally {
      await writer.end();
    }

    const credential = await loadCredential(db.orm, seller);
    expect(credential.accessTokenCiphertext).toBe(refreshedAccess);
    expect(credential.refreshTokenCiphertext).toBe(refreshedRefresh);
    expect(credential.version).toBe(2);
  });
});

/** Waits until another session's UPDATE of `credential` waits for a lock, i.e. the rotation has read and is writing. */
async function waitForBlockedUpdate(client: pg.Client): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt += 1) {
    // Inside a transaction PostgreSQL serves pg_stat_activity from a snapshot unless it is cleared.
    await client.query('select pg_stat_clear_snapshot()');
    const { rows } = await client.query<{ count: string }>(
      "select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query ilike 'update%credential%'",
    );
    if (Number(rows[0]?.count) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('The rotation never reached its conditional update of the credential row.');
}
