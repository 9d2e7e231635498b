import { Field, ID, ObjectType } from 'type-graphql';
import { ConnectionStatus, Marketplace } from '../common/enums.js';

@ObjectType('MarketplaceConnection', { description: "A tenant's authorized account on one marketplace." })
export class MarketplaceConnectionObject {
  @Field(() => ID)
  id!: string;

  @Field(() => Marketplace)
  marketplace!: Marketplace;

  @Field({ description: "The marketplace's id for the account: MercadoLibre user id, Shopify shop domain, and so on." })
  externalAccountId!: string;

  @Field(() => String, { nullable: true })
  accountName!: string | null;

  @Field(() => ConnectionStatus)
  status!: ConnectionStatus;

  @Field(() => String, { nullable: true, description: 'Why the connection is in its status, such as the error that made it NEEDS_REAUTH.' })
  statusReason!: string | null;

  @Field()
  statusChangedAt!: Date;

  @Field(() => [String], { description: 'OAuth scopes the marketplace granted.' })
  scopes!: string[];

  @Field(() => Date, { nullable: true })
  lastImportAt!: Date | null;

  @Field(() => Date, { nullable: true })
  lastSyncAt!: Date | null;

  @Field()
  createdAt!: Date;
}

@ObjectType({ description: 'Where to send the merchant to authorize a marketplace account.' })
export class AuthorizationStart {
  @Field({ description: "URL to open in the merchant's browser; it carries a one-time state." })
  authorizationUrl!: string;

  @Field({ description: 'When the one-time state expires; start again after this time.' })
  expiresAt!: Date;
}
