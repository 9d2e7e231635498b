import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { JsonValue } from '../connectors/shared/types.js';
import { ConnectionStatus, Marketplace } from '../entities/index.js';
import type { EncryptedTokenSet, TokenOwner } from './token-crypto.js';

/**
 * The token refresh lease: at most one process per connection calls the marketplace's refresh
 * endpoint at a time. The lease lives in the connection's `credential` row. Every new holder
 * increments `refresh_fence` (a fencing token), and the refreshed tokens are written with a
 * conditional UPDATE on it, so a holder whose lease expired and was taken over cannot overwrite
 * newer tokens. Each statement runs on its own (no transaction stays open during the HTTP call),
 * and expiry uses the database clock, so the processes' clocks need not agree.
 */

/** Connection statuses in which a refresh is pointless: the merchant must authorize again first. */
export const NO_REFRESH_STATUSES: readonly ConnectionStatus[] = [ConnectionStatus.NEEDS_REAUTH, ConnectionStatus.DISCONNECTED];

/** A refresh lease this process holds. */
export interface RefreshLease extends TokenOwner {
  fence: number;
  /** Credential version when the lease was taken; `refreshTokenCiphertext` belongs to it. */
  version: number;
  refreshTokenCiphertext: string | null;
  marketplace: Marketplace;
  /** Seller, shop or store id on the marketplace, which some rate limits key on. */
  accountId: string;
  /** The connection's stored metadata, which some connectors need to refresh (Shopify's shop domain). */
  metadata: Record<string, JsonValue>;
}

/**
 * Result of storing refreshed tokens. `stored`: the lease was still this holder's.
 * `stored_after_takeover`: another process had taken the lease over but stored nothing newer yet,
 * so these tokens were kept. `superseded`: newer tokens were stored meanwhile, so these were dropped.
 */
export type StoreRefreshedOutcome =
  | { status: 'stored'; version: number }
  | { status: 'stored_after_takeover'; version: number }
  | { status: 'superseded' };

const acquiredRow = z.object({
  refresh_fence: z.number().int(),
  refresh_token_ciphertext: z.string().nullable(),
  marketplace: z.enum(Marketplace),
  external_account_id: z.string(),
  metadata: z.record(z.string(), z.json()),
});

const versionRow = z.object({ version: z.number().int() });

/**
 * Takes the connection's refresh lease for `ttlMs` when it is free (never taken, released or
 * expired), the credential is still at `seenVersion` and the connection is not waiting for a new
 * authorization. Returns null otherwise; the caller then reads the credential to learn why.
 */
export async function acquireRefreshLease(
  em: EntityManager,
  owner: TokenOwner,
  request: { seenVersion: number; holder: string; ttlMs: number },
): Promise<RefreshLease | null> {
  const rows = await em.getConnection().execute(
    `update "credential" as c
        set "refresh_fence" = c."refresh_fence" + 1,
            "refresh_lease_holder" = ?,
            "refresh_lease_expires_at" = clock_timestamp() + (? * interval '1 millisecond')
       from "marketplace_connection" as m
      where m."id" = c."connection_id"
        and c."connection_id" = ? and c."tenant_id" = ?
        and c."version" = ?
        and (c."refresh_lease_expires_at" is null or c."refresh_lease_expires_at" <= clock_timestamp())
        and m."status" not in (${NO_REFRESH_STATUSES.map(() => '?').join(', ')})
      returning c."refresh_fence", c."refresh_token_ciphertext", m."marketplace", m."external_account_id", m."metadata"`,
    [request.holder, request.ttlMs, owner.connectionId, owner.tenantId, request.seenVersion, ...NO_REFRESH_STATUSES],
    'all',
  );
  const row = rows[0];
  if (row === undefined) return null;
  const lease = acquiredRow.parse(row);
  return {
    tenantId: owner.tenantId,
    connectionId: owner.connectionId,
    fence: lease.refresh_fence,
    version: request.seenVersion,
    refreshTokenCiphertext: lease.refresh_token_ciphertext,
    marketplace: lease.marketplace,
    accountId: lease.external_account_id,
    metadata: lease.metadata,
  };
}

/** Frees the lease early so that waiting processes need not wait for it to expire; a no-op once it was taken over. */
export async function releaseRefreshLease(em: EntityManager, lease: RefreshLease): Promise<void> {
  await em.getConnection().execute(
    `update "credential" set "refresh_lease_holder" = null, "refresh_lease_expires_at" = null
      where "connection_id" = ? and "tenant_id" = ? and "refresh_fence" = ?`,
    [lease.connectionId, lease.tenantId, lease.fence],
    'run',
  );
}

/**
 * Writes refreshed tokens and increments the credential version. The first UPDATE applies only
 * while `lease.fence` is current, and it frees the lease. When the lease was taken over, a second
 * UPDATE still applies if the credential is at the version the lease was taken at. No newer tokens
 * exist then, and the refresh token this holder spent is dead, so dropping its result would leave
 * the connection without a usable refresh token. That second write leaves the lease to its current
 * holder.
 */
export async function storeRefreshedTokens(em: EntityManager, lease: RefreshLease, tokens: EncryptedTokenSet): Promise<StoreRefreshedOutcome> {
  const connection = em.getConnection();
  const setTokens = `"access_token_ciphertext" = ?, "refresh_token_ciphertext" = ?, "access_token_expires_at" = ?,
            "refresh_token_expires_at" = ?, "version" = "version" + 1, "updated_at" = clock_timestamp()`;
  const tokenValues = [tokens.accessTokenCiphertext, tokens.refreshTokenCiphertext, tokens.accessTokenExpiresAt, tokens.refreshTokenExpiresAt];

  const fenced = await connection.execute(
    `update "credential" set ${setTokens}, "refresh_lease_holder" = null, "refresh_lease_expires_at" = null
      where "connection_id" = ? and "tenant_id" = ? and "refresh_fence" = ?
      returning "version"`,
    [...tokenValues, lease.connectionId, lease.tenantId, lease.fence],
    'all',
  );
  if (fenced[0] !== undefined) return { status: 'stored', version: versionRow.parse(fenced[0]).version };

  const unchanged = await connection.execute(
    `update "credential" set ${setTokens}
      where "connection_id" = ? and "tenant_id" = ? and "version" = ?
      returning "version"`,
    [...tokenValues, lease.connectionId, lease.tenantId, lease.version],
    'all',
  );
  if (unchanged[0] !== undefined) return { status: 'stored_after_takeover', version: versionRow.parse(unchanged[0]).version };
  return { status: 'superseded' };
}
