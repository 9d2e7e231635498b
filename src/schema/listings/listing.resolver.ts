import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { Listing, MarketplaceConnection, SyncRun } from '../../entities/index.js';
import type { GraphQLContext } from '../context.js';
import { notFoundError, parseId } from '../common/errors.js';
import { DEFAULT_PAGE_SIZE, idCursorSchema, parsePageRequest, type Page } from '../common/pagination.js';
import { MarketplaceConnectionObject } from '../connections/connection.type.js';
import { ProductReference } from '../products/product.type.js';
import { SyncRunObject } from '../sync-runs/sync-run.type.js';
import { findListingPage, listingWhere } from './listing-queries.js';
import { ListingConnection, ListingObject } from './listing.type.js';
import { ListingsArgs } from './listings.args.js';

@Resolver(() => ListingObject)
export class ListingResolver {
  @Query(() => ListingConnection, { description: "The tenant's listings, in a stable order, one page at a time." })
  listings(@Args() { filter, first, after }: ListingsArgs, @Ctx() context: GraphQLContext): Promise<Page<Listing>> {
    const page = parsePageRequest(first ?? DEFAULT_PAGE_SIZE, after, idCursorSchema);
    return findListingPage(context.em, listingWhere(filter), page);
  }

  @Query(() => ListingObject, { description: 'One listing; NOT_FOUND when the tenant has none with this id.' })
  async listing(@Arg('id', () => ID) id: string, @Ctx() context: GraphQLContext): Promise<Listing> {
    const listing = await context.loaders.listing.load(parseId(id, 'id'));
    if (!listing) throw notFoundError('listing', id);
    return listing;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Variation or variant id on the marketplace; null for an item without variations.' })
  externalVariantId(@Root() listing: Listing): string | null {
    return listing.externalVariantId === '' ? null : listing.externalVariantId;
  }

  @FieldResolver(() => MarketplaceConnectionObject)
  async connection(@Root() listing: Listing, @Ctx() context: GraphQLContext): Promise<MarketplaceConnection> {
    const connection = await context.loaders.connection.load(listing.connection.id);
    // The foreign key and the tenant filter make this impossible unless rows were edited by hand.
    if (!connection) throw new Error(`Listing ${listing.id} refers to connection ${listing.connection.id}, which is not in its tenant.`);
    return connection;
  }

  @FieldResolver(() => SyncRunObject, { nullable: true, description: 'The sync run that last changed this listing.' })
  lastSyncRun(@Root() listing: Listing, @Ctx() context: GraphQLContext): Promise<SyncRun | null> | null {
    return listing.lastSyncRun ? context.loaders.syncRun.load(listing.lastSyncRun.id) : null;
  }

  @FieldResolver(() => ProductReference, { nullable: true, description: 'The EGDC product of this SKU; null when the listing has no SKU.' })
  product(@Root() listing: Listing): ProductReference | null {
    return listing.sku ? { sku: listing.sku } : null;
  }
}
