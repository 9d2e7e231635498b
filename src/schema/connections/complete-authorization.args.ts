import { ArgsType, Field } from 'type-graphql';
import { Marketplace } from '../common/enums.js';

@ArgsType()
export class CompleteAuthorizationArgs {
  @Field(() => Marketplace)
  marketplace!: Marketplace;

  @Field({ description: 'The `state` parameter of the redirect, as startMarketplaceAuthorization put it in the authorization URL.' })
  state!: string;

  @Field(() => String, { nullable: true, description: 'The authorization code of the redirect (SHEIN calls it tempToken); leave it out when the merchant declined.' })
  code?: string | null;

  @Field(() => String, { nullable: true, description: 'The `error` parameter of the redirect, such as access_denied when the merchant declined.' })
  error?: string | null;

  @Field(() => String, { nullable: true, description: 'The `shop` parameter of the redirect (Shopify), such as mi-zapateria.myshopify.com.' })
  shopDomain?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'The whole query string of the redirect as received, such as code=...&hmac=...&shop=.... Required for Shopify, which signs ' +
      'every parameter; state, code, error and shopDomain must then match it.',
  })
  redirectQuery?: string | null;
}
