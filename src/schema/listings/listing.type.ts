import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { ListingPushState, Marketplace } from '../common/enums.js';
import { connectionTypes } from '../common/page-types.js';

/**
 * Relations (connection, lastSyncRun, product) and externalVariantId are declared by
 * ListingResolver, which loads them in batches.
 */
@ObjectType('Listing', {
  description: 'One sellable unit on one marketplace, mapped to one EGDC SKU (for footwear, one size of one model and color).',
})
export class ListingObject {
  @Field(() => ID)
  id!: string;

  @Field(() => Marketplace)
  marketplace!: Marketplace;

  @Field(() => String, { nullable: true, description: 'EGDC SKU; null when the marketplace listing has no seller SKU.' })
  sku!: string | null;

  @Field({ description: 'Item or product id on the marketplace.' })
  externalId!: string;

  @Field()
  title!: string;

  @Field(() => Float, { nullable: true })
  price!: number | null;

  @Field(() => String, { nullable: true, description: 'ISO 4217 currency code, such as MXN.' })
  currency!: string | null;

  @Field({ description: 'Listing status as the marketplace words it (active, paused, closed...).' })
  status!: string;

  @Field(() => String, { nullable: true })
  size!: string | null;

  @Field(() => String, { nullable: true })
  color!: string | null;

  @Field(() => Int, { nullable: true, description: 'Stock in EGDC.' })
  localStock!: number | null;

  @Field(() => Int, { nullable: true, description: 'Stock on the marketplace.' })
  remoteStock!: number | null;

  @Field(() => Int, { nullable: true, description: 'Last stock level both sides agreed on.' })
  baseStock!: number | null;

  @Field(() => ListingPushState)
  pushState!: ListingPushState;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field()
  updatedAt!: Date;
}

export const ListingConnection = connectionTypes(ListingObject, 'Listing');
