import type { MikroORM } from '../../src/database/orm.js';
import { tenantEntityManager } from '../../src/database/orm.js';
import {
  Listing, Marketplace, MarketplaceConnection, SyncConflict, SyncRun, SyncRunKind, SyncRunStatus, ConnectionStatus,
} from '../../src/entities/index.js';

export interface SeededTenant {
  tenantId: string;
  connectionId: string;
  listingIds: string[];
  syncRunId: string;
  conflictId: string;
  externalIds: string[];
  skus: string[];
}

/**
 * Seeds one tenant: an active MercadoLibre connection, a finished sync run, `listings` listings
 * (SKU `SKU-<n>`, external id `<prefix>-<n>`) that point at the run, and one open stock conflict.
 */
export async function seedTenant(orm: MikroORM, tenantId: string, options: { listings?: number; externalPrefix?: string } = {}): Promise<SeededTenant> {
  const count = options.listings ?? 3;
  const prefix = options.externalPrefix ?? `MLM-${tenantId}`;
  const em = tenantEntityManager(orm, tenantId);
  const connection = em.create(MarketplaceConnection, {
    tenantId,
    marketplace: Marketplace.MERCADOLIBRE,
    externalAccountId: `seller-${tenantId}`,
    accountName: `Store ${tenantId}`,
    status: ConnectionStatus.ACTIVE,
    scopes: ['read', 'write'],
  });
  const run = em.create(SyncRun, {
    tenantId,
    connection,
    kind: SyncRunKind.IMPORT,
    trigger: 'api',
    status: SyncRunStatus.SUCCEEDED,
    readCount: count,
  });
  const listings: Listing[] = [];
  for (let index = 0; index < count; index += 1) {
    listings.push(em.create(Listing, {
      tenantId,
      connection,
      marketplace: Marketplace.MERCADOLIBRE,
      sku: `SKU-${index}`,
      externalId: `${prefix}-${index}`,
      title: `Tenis ${tenantId} ${index}`,
      status: 'active',
      localStock: 5,
      remoteStock: 4,
      baseStock: 5,
      lastSyncRun: run,
    }));
  }
  const conflict = em.create(SyncConflict, {
    tenantId,
    listing: listings[0]!,
    field: 'stock',
    localValue: 3,
    remoteValue: 1,
    baseValue: 5,
  });
  await em.flush();
  return {
    tenantId,
    connectionId: connection.id,
    listingIds: listings.map((listing) => listing.id),
    syncRunId: run.id,
    conflictId: conflict.id,
    externalIds: [connection.externalAccountId, ...listings.map((listing) => listing.externalId)],
    skus: listings.flatMap((listing) => (listing.sku ? [listing.sku] : [])),
  };
}
