import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Listing } from '../../entities/index.js';
import type { GraphQLContext } from '../context.js';
import { ListingObject } from '../listings/listing.type.js';
import { ProductReference } from './product.type.js';

@Resolver(() => ProductReference)
export class ProductListingsResolver {
  @FieldResolver(() => [ListingObject], { description: "The tenant's listings of this SKU on every marketplace." })
  listings(@Root() product: ProductReference, @Ctx() context: GraphQLContext): Promise<Listing[]> {
    return context.loaders.listingsBySku.load(product.sku);
  }
}

/**
 * Federation reference resolver: the router sends `{ __typename: "Product", sku }` and this
 * subgraph needs nothing more than the key to resolve `listings`.
 */
export function resolveProductReference(reference: { sku: string }): ProductReference {
  return { sku: reference.sku };
}
