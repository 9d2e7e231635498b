import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { MarketplaceConnection, type Listing } from '../../entities/index.js';
import type { AuthorizationStart as AuthorizationStartResult } from '../../services.js';
import type { GraphQLContext } from '../context.js';
import { badInputError, PublicError } from '../common/errors.js';
import { DEFAULT_PAGE_SIZE, idCursorSchema, parsePageRequest, type Page } from '../common/pagination.js';
import { ListingConnection } from '../listings/listing.type.js';
import { ConnectionListingsArgs } from '../listings/listings.args.js';
import { AuthorizationStart, MarketplaceConnectionObject } from './connection.type.js';
import { requireConnection } from './require-connection.js';
import { StartAuthorizationArgs } from './start-authorization.args.js';

const MAX_RETURN_TO_LENGTH = 2048;

@Resolver(() => MarketplaceConnectionObject)
export class ConnectionResolver {
  @Query(() => [MarketplaceConnectionObject], { description: "The tenant's marketplace connections, oldest first." })
  connections(@Ctx() context: GraphQLContext): Promise<MarketplaceConnection[]> {
    return context.em.find(MarketplaceConnection, {}, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  @Query(() => MarketplaceConnectionObject, { description: 'One connection; NOT_FOUND when the tenant has none with this id.' })
  connection(@Arg('id', () => ID) id: string, @Ctx() context: GraphQLContext): Promise<MarketplaceConnection> {
    return requireConnection(context, id, 'id');
  }

  @FieldResolver(() => Int, { description: 'Number of listings imported from this account.' })
  listingCount(@Root() connection: MarketplaceConnection, @Ctx() context: GraphQLContext): Promise<number> {
    return context.loaders.listingCountByConnection.load(connection.id);
  }

  @FieldResolver(() => ListingConnection, { description: 'Listings of this account, in a stable order.' })
  listings(
    @Root() connection: MarketplaceConnection,
    @Args() { first, after }: ConnectionListingsArgs,
    @Ctx() context: GraphQLContext,
  ): Promise<Page<Listing>> {
    const page = parsePageRequest(first ?? DEFAULT_PAGE_SIZE, after, idCursorSchema);
    return context.loaders.listingPageByConnection.load({ connectionId: connection.id, first: page.first, afterId: page.after?.id ?? null });
  }

  @Mutation(() => AuthorizationStart, {
    description: 'Starts connecting a marketplace account: returns the URL where the merchant authorizes this application.',
  })
  startMarketplaceAuthorization(
    @Args() { marketplace, returnTo, shopDomain }: StartAuthorizationArgs,
    @Ctx() context: GraphQLContext,
  ): Promise<AuthorizationStartResult> {
    const { tenantId, userId } = context.auth;
    if (!userId) throw new PublicError('FORBIDDEN', 'errors.auth.userRequired');
    if (returnTo && returnTo.length > MAX_RETURN_TO_LENGTH) {
      throw badInputError('errors.input.tooLong', { argument: 'returnTo', max: MAX_RETURN_TO_LENGTH });
    }
    if (shopDomain && shopDomain.length > MAX_RETURN_TO_LENGTH) {
      throw badInputError('errors.input.tooLong', { argument: 'shopDomain', max: MAX_RETURN_TO_LENGTH });
    }
    return context.services.connections.startAuthorization({ tenantId, userId, marketplace, returnTo: returnTo ?? null, shopDomain: shopDomain ?? null });
  }
}
