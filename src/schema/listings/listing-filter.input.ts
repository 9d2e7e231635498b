import { Field, ID, InputType } from 'type-graphql';
import { ListingPushState, Marketplace } from '../common/enums.js';

@InputType({ description: 'Conditions a listing must all meet; omitted fields do not filter.' })
export class ListingFilter {
  @Field(() => ID, { nullable: true })
  connectionId?: string | null;

  @Field(() => Marketplace, { nullable: true })
  marketplace?: Marketplace | null;

  @Field(() => String, { nullable: true, description: 'Exact EGDC SKU.' })
  sku?: string | null;

  @Field(() => [String], { nullable: true, description: 'Any of these EGDC SKUs (at most 200).' })
  skus?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Marketplace listing status as the marketplace words it, such as active or paused.' })
  status?: string | null;

  @Field(() => ListingPushState, { nullable: true })
  pushState?: ListingPushState | null;

  @Field(() => String, { nullable: true, description: 'Text contained in the title, ignoring case (at most 100 characters).' })
  search?: string | null;
}
