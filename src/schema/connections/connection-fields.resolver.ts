import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { authorizationExpiresAt, isAuthorizationExpiringSoon } from '../../connections/authorization-expiry.js';
import { readConnectionState } from '../../connections/connection-state.js';
import type { MarketplaceConnection } from '../../entities/index.js';
import type { GraphQLContext } from '../context.js';
import { describeStatusReason } from './describe-status.js';
import { ConnectionStatusReason } from './connection-status.type.js';
import { MarketplaceConnectionObject } from './connection.type.js';
import { credentialLoader } from './credential-loader.js';

/** Connection fields computed from the status columns and the stored credential. */
@Resolver(() => MarketplaceConnectionObject)
export class ConnectionStatusFieldsResolver {
  @FieldResolver(() => ConnectionStatusReason, {
    nullable: true,
    description: 'Why the connection is in its status, such as the error that made it NEEDS_REAUTH; null when no reason was recorded.',
  })
  statusReason(@Root() connection: MarketplaceConnection, @Ctx() context: GraphQLContext): ConnectionStatusReason | null {
    const state = readConnectionState(connection);
    return state.reason === null ? null : describeStatusReason(context.locale, connection.marketplace, state.reason);
  }

  @FieldResolver(() => Date, {
    nullable: true,
    description:
      'When the authorization lapses unless the seller authorizes again: TikTok Shop\'s authorization, Shopify\'s refresh token, ' +
      'or for MercadoLibre an estimate of 180 days after the last token refresh. Null when it does not lapse on a known date.',
  })
  async authorizationExpiresAt(@Root() connection: MarketplaceConnection, @Ctx() context: GraphQLContext): Promise<Date | null> {
    return authorizationExpiresAt(connection.marketplace, await credentialLoader(context).load(connection.id));
  }

  @FieldResolver(() => Boolean, {
    description: 'Whether authorizationExpiresAt is within AUTHORIZATION_EXPIRY_WARNING_DAYS days (7 by default) or has passed.',
  })
  async authorizationExpiringSoon(@Root() connection: MarketplaceConnection, @Ctx() context: GraphQLContext): Promise<boolean> {
    const expiresAt = authorizationExpiresAt(connection.marketplace, await credentialLoader(context).load(connection.id));
    return isAuthorizationExpiringSoon(expiresAt, context.services.connections.authorizationExpiryWarningDays);
  }
}
