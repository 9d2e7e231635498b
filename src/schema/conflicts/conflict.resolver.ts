import { Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { SyncConflict, type Listing } from '../../entities/index.js';
import type { GraphQLContext } from '../context.js';
import { findNewestFirstPage } from '../common/newest-first.js';
import { createdAtCursorSchema, DEFAULT_PAGE_SIZE, parsePageRequest, type Page } from '../common/pagination.js';
import { ListingObject } from '../listings/listing.type.js';
import { SyncConflictConnection, SyncConflictObject } from './conflict.type.js';
import { describeConflict } from './describe-conflict.js';
import { SyncConflictsArgs } from './sync-conflicts.args.js';

@Resolver(() => SyncConflictObject)
export class SyncConflictResolver {
  @Query(() => SyncConflictConnection, { description: 'Sync conflicts, newest first; only those in status when it is given.' })
  syncConflicts(@Args() { status, first, after }: SyncConflictsArgs, @Ctx() context: GraphQLContext): Promise<Page<SyncConflict>> {
    const page = parsePageRequest(first ?? DEFAULT_PAGE_SIZE, after, createdAtCursorSchema);
    return findNewestFirstPage(context.em, SyncConflict, status ? { status } : {}, page);
  }

  @FieldResolver(() => ListingObject)
  async listing(@Root() conflict: SyncConflict, @Ctx() context: GraphQLContext): Promise<Listing> {
    const listing = await context.loaders.listing.load(conflict.listing.id);
    if (!listing) throw new Error(`Sync conflict ${conflict.id} refers to listing ${conflict.listing.id}, which is not in its tenant.`);
    return listing;
  }

  @FieldResolver(() => String, { description: 'A sentence for merchants, in the language of the request, that explains the conflict.' })
  async description(@Root() conflict: SyncConflict, @Ctx() context: GraphQLContext): Promise<string> {
    const listing = await context.loaders.listing.load(conflict.listing.id);
    return describeConflict(conflict, listing, context.locale);
  }
}
