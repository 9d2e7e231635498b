import { Field, ID, ObjectType } from 'type-graphql';
import { ConnectionStatus, Marketplace } from '../common/enums.js';

/** `statusReason` and the authorization expiry fields are declared by ConnectionStatusFieldsResolver. */
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

  @Field()
  statusChangedAt!: Date;

  @Field(() => [String], { description: 'OAuth scopes the marketplace granted.' })
  scopes!: string[];

  @Field(() => Date, { nullable: true })
  lastImportAt!: Date | null;

  @Field(() => Date, { nullable: true })
  lastSyncAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When a user last disconnected the account; kept after a reconnect.' })
  disconnectedAt!: Date | null;

  @Field({ description: 'True while marketplace calls are paused after repeated failures (5xx, network errors, timeouts); a test call after a cooldown clears it.' })
  degraded!: boolean;

  @Field(() => String, { nullable: true, description: 'The failure that paused the calls; null when not degraded.' })
  degradedReason!: string | null;

  @Field(() => Date, { nullable: true, description: 'When the calls were paused; null when not degraded.' })
  degradedAt!: Date | null;

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
