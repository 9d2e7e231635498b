import { ArgsType, Field } from 'type-graphql';
import { Marketplace } from '../common/enums.js';

@ArgsType()
export class ConnectWithApiKeyArgs {
  @Field(() => Marketplace, { description: 'SHEIN is the only marketplace whose sellers can copy API keys; the others use startMarketplaceAuthorization.' })
  marketplace!: Marketplace;

  @Field({ description: 'The openKeyId shown in the seller portal.' })
  openKeyId!: string;

  @Field({ description: 'The secretKey shown beside the openKeyId. It is stored encrypted and never returned.' })
  secretKey!: string;

  @Field({ description: 'The seller\'s supplier number (digits); SHEIN sends it with every event, so events reach this connection.' })
  supplierId!: string;
}
