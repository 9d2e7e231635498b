import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RemoteListing } from '../connectors/shared/types.js';
import { InventoryAdjustment, Listing, ListingPushState, type MarketplaceConnection, Product, SyncConflict, SyncConflictStatus, type SyncRun } from '../entities/index.js';
import { lockTenantStock } from './locks.js';
import { propagateLocalStock, setProductStock } from './local-stock.js';
import { conflictPolicyOf, mergeStock, type ConflictPolicy, type StockMergeDecision } from './stock-merge.js';

export interface RemoteListingsOutcome {
  created: number;
  updated: number;
  toPush: number;
  reported: number;
  conflicts: number;
  unlinked: number;
  /** Connections (this one or others selling the same SKUs) with stock now waiting for a push. */
  connectionIds: Set<string>;
}

/**
 * Stores what the marketplace reports for a connection's listings and merges each listing's stock
 * three ways against the last agreed level. Flushes `em`; the caller owns the transaction, which
 * also holds the tenant's stock lock from here on.
 */
export async function applyRemoteListings(em: EntityManager, connection: MarketplaceConnection, remote: RemoteListing[], run: SyncRun | null): Promise<RemoteListingsOutcome> {
  const outcome: RemoteListingsOutcome = { created: 0, updated: 0, toPush: 0, reported: 0, conflicts: 0, unlinked: 0, connectionIds: new Set() };
  if (remote.length === 0) return outcome;
  await lockTenantStock(em, connection.tenantId);

  const existing = await em.find(Listing, { connection, externalId: { $in: [...new Set(remote.map((item) => item.externalId))] } });
  const byKey = new Map(existing.map((listing) => [listingKey(listing.externalId, listing.externalVariantId), listing]));
  const skus = [...new Set(remote.map((item) => item.sellerSku).filter((sku): sku is string => Boolean(sku)))];
  const products = skus.length > 0 ? await em.find(Product, { sku: { $in: skus } }) : [];
  const productBySku = new Map(products.map((product) => [product.sku, product]));
  const openConflicts = existing.length > 0 ? await em.find(SyncConflict, { listing: { $in: existing }, field: 'stock', status: SyncConflictStatus.OPEN }) : [];
  const conflictByListing = new Map(openConflicts.map((conflict) => [conflict.listing.id, conflict]));
  const policy = conflictPolicyOf(connection.conflictPolicy, 'stock');
  const reportedSkus: string[] = [];
  const now = new Date();

  for (const item of remote) {
    const key = listingKey(item.externalId, item.externalVariantId ?? '');
    let listing = byKey.get(key);
    if (!listing) {
      listing = em.create(Listing, {
        tenantId: connection.tenantId,
        connection,
        marketplace: connection.marketplace,
        externalId: item.externalId,
        externalVariantId: item.externalVariantId ?? '',
        title: item.title,
        status: item.status,
      });
      byKey.set(key, listing);
      outcome.created += 1;
    } else {
      outcome.updated += 1;
    }
    listing.sku = item.sellerSku;
    listing.title = item.title;
    listing.price = item.price;
    listing.currency = item.currency;
    listing.status = item.status;
    listing.size = item.size;
    listing.color = item.color;
    // A source that does not know the handle leaves it undefined, so the stored handle is kept.
    if (item.stockHandle !== undefined) listing.stockHandle = item.stockHandle;
    if (listing.remoteStock !== item.availableQuantity) {
      listing.remoteStock = item.availableQuantity;
      listing.remoteChangedAt = item.updatedAt ?? now;
    }
    if (run) listing.lastSyncRun = run;

    const product = item.sellerSku ? productBySku.get(item.sellerSku) : undefined;
    listing.localStock = product ? product.stock : null;
    const decision = mergeStock(
      { local: listing.localStock, remote: listing.remoteStock, base: listing.baseStock, localChangedAt: listing.localChangedAt, remoteChangedAt: listing.remoteChangedAt },
      policy,
    );
    const openConflict = conflictByListing.get(listing.id);
    if (openConflict && decision.action !== 'conflict') supersedeConflict(openConflict, decision, policy);
    switch (decision.action) {
      case 'unlinked':
        // Without an EGDC level there is nothing to write; a push left pending would be retried forever.
        listing.pushState = ListingPushState.SYNCED;
        outcome.unlinked += 1;
        break;
      case 'in_sync':
        listing.baseStock = decision.value;
        listing.pushState = ListingPushState.SYNCED;
        break;
      case 'push':
        if (decision.conflict) outcome.conflicts += 1;
        listing.pushState = ListingPushState.PENDING_PUSH;
        outcome.toPush += 1;
        outcome.connectionIds.add(connection.id);
        break;
      case 'report':
      case 'push_and_report': {
        if (decision.action === 'report' && decision.conflict) outcome.conflicts += 1;
        reportRemoteLevel(em, connection, listing, product!, decision.value);
        reportedSkus.push(product!.sku);
        outcome.reported += 1;
        break;
      }
      case 'conflict':
        // Nothing is written until someone resolves the conflict, not even a push requested earlier.
        listing.pushState = ListingPushState.SYNCED;
        recordConflict(em, listing, openConflict);
        outcome.conflicts += 1;
        break;
    }
  }
  for (const id of await propagateLocalStock(em, reportedSkus)) outcome.connectionIds.add(id);
  await em.flush();
  return outcome;
}

/** Sets EGDC's level to the marketplace's, recording the change as an adjustment for EGDC. */
function reportRemoteLevel(em: EntityManager, connection: MarketplaceConnection, listing: Listing, product: Product, value: number): void {
  const delta = value - product.stock;
  setProductStock(product, value);
  listing.localStock = value;
  listing.baseStock = value;
  listing.localChangedAt = new Date();
  listing.pushState = ListingPushState.SYNCED;
  if (delta !== 0) {
    em.create(InventoryAdjustment, {
      tenantId: connection.tenantId,
      connection,
      marketplace: connection.marketplace,
      externalOrderId: remoteEditKey(listing),
      sku: product.sku,
      delta,
      stockAfter: value,
    });
  }
}

/** Length of `inventory_adjustment.external_order_id`. */
const ADJUSTMENT_KEY_MAX_LENGTH = 64;

/**
 * Key of the adjustment a remote stock edit makes, one per listing and change time. Shopify's and
 * TikTok's ids make the readable key longer than the column, so such a key is replaced by a digest.
 */
function remoteEditKey(listing: Listing): string {
  const key = `listing-edit:${listing.externalId}:${listing.externalVariantId}:${listing.remoteChangedAt?.toISOString() ?? Date.now()}`;
  if (key.length <= ADJUSTMENT_KEY_MAX_LENGTH) return key;
  return `listing-edit:${createHash('sha256').update(key).digest('base64url')}`;
}

/** Opens a stock conflict for the listing, or refreshes the values of the one already open. */
function recordConflict(em: EntityManager, listing: Listing, open: SyncConflict | undefined): void {
  if (open) {
    open.localValue = listing.localStock;
    open.remoteValue = listing.remoteStock;
    open.localChangedAt = listing.localChangedAt;
    open.remoteChangedAt = listing.remoteChangedAt;
    return;
  }
  em.create(SyncConflict, {
    tenantId: listing.tenantId,
    listing,
    field: 'stock',
    localValue: listing.localStock,
    remoteValue: listing.remoteStock,
    baseValue: listing.baseStock,
    localChangedAt: listing.localChangedAt,
    remoteChangedAt: listing.remoteChangedAt,
  });
}

/**
 * Closes an open conflict that the latest merge settled without anyone: both sides now agree, only
 * one side still differs from the base, or a policy other than MANUAL decided. Left open, a later
 * resolution would overwrite the newer level. `resolution` is the policy name when a policy decided,
 * otherwise the merge action (IN_SYNC, PUSH, REPORT, UNLINKED).
 */
function supersedeConflict(conflict: SyncConflict, decision: StockMergeDecision, policy: ConflictPolicy): void {
  const byPolicy = 'conflict' in decision && decision.conflict;
  conflict.status = SyncConflictStatus.SUPERSEDED;
  conflict.resolution = byPolicy ? policy : decision.action.toUpperCase();
  conflict.resolvedValue = 'value' in decision ? decision.value : null;
  conflict.resolvedAt = new Date();
}

function listingKey(externalId: string, externalVariantId: string): string {
  return `${externalId}\u0000${externalVariantId}`;
}
