import { ArgsType, Field } from 'type-graphql';
import { Marketplace } from '../common/enums.js';

@ArgsType()
export class StartAuthorizationArgs {
  @Field(() => Marketplace)
  marketplace!: Marketplace;

  @Field(() => String, { nullable: true, description: 'Where to send the merchant after authorizing; must be on the configured allow list.' })
  returnTo?: string | null;

  @Field(() => String, { nullable: true, description: 'Shop to authorize on, such as mi-zapateria.myshopify.com; required for Shopify.' })
  shopDomain?: string | null;
}
