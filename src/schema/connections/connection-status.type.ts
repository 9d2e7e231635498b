import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { CONNECTION_STATUS_REASONS } from '../../connections/connection-state.js';
import type { MarketplaceConnection } from '../../entities/index.js';
import type { AuthorizationRevocation as Revocation } from '../../services.js';
import { ConnectionStatus } from '../common/enums.js';
import { MarketplaceConnectionObject } from './connection.type.js';

/** `AuthorizationRevocation` of the services port as an enum object, the form registerEnumType needs. */
export const AuthorizationRevocation: { [K in Revocation]: K } = {
  REVOKED: 'REVOKED',
  NOT_SUPPORTED: 'NOT_SUPPORTED',
  FAILED: 'FAILED',
  NO_CREDENTIALS: 'NO_CREDENTIALS',
};
registerEnumType(AuthorizationRevocation, {
  name: 'AuthorizationRevocation',
  description: 'What a disconnect did at the marketplace.',
  valuesConfig: {
    REVOKED: { description: 'The marketplace removed the authorization, so its tokens no longer work.' },
    NOT_SUPPORTED: { description: 'The marketplace documents no call to remove it; the seller removes it in the seller portal.' },
    FAILED: { description: 'The marketplace did not confirm; the seller removes the authorization in the seller portal.' },
    NO_CREDENTIALS: { description: 'No secrets were stored, so there was nothing to revoke.' },
  },
});

@ObjectType({ description: 'Why a connection is in its status.' })
export class ConnectionStatusReason {
  @Field({ description: `Stable reason code: ${CONNECTION_STATUS_REASONS.join(', ')}.` })
  code!: string;

  @Field({ description: 'The reason as a sentence for merchants, in the language of the request.' })
  message!: string;
}

@ObjectType({ description: 'A change of one connection\'s status, as it happens.' })
export class ConnectionStatusChange {
  @Field(() => ID)
  connectionId!: string;

  @Field(() => ConnectionStatus)
  status!: ConnectionStatus;

  @Field(() => ConnectionStatus, { nullable: true, description: 'Status before the change; null when the event did not record it.' })
  previousStatus!: ConnectionStatus | null;

  @Field(() => ConnectionStatusReason, { nullable: true })
  statusReason!: ConnectionStatusReason | null;

  @Field()
  changedAt!: Date;
}

@ObjectType({ description: 'Result of disconnectMarketplace: the local disconnect always happens.' })
export class DisconnectMarketplaceResult {
  @Field(() => MarketplaceConnectionObject, { description: 'The connection, now DISCONNECTED; its listings and sync runs are kept.' })
  connection!: MarketplaceConnection;

  @Field(() => AuthorizationRevocation)
  revocation!: Revocation;

  @Field({ description: 'What happened and what the seller still has to do, in the language of the request.' })
  message!: string;
}
