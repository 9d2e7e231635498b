import { Arg, Args, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { AuthorizationFailure } from '../../connections/authorization.js';
import { DISCONNECT_REASONS } from '../../connections/connection-state.js';
import { Marketplace, MarketplaceConnection } from '../../entities/index.js';
import { translate } from '../../i18n/index.js';
import type { GraphQLContext } from '../context.js';
import { badInputError, PublicError } from '../common/errors.js';
import { CompleteAuthorizationArgs } from './complete-authorization.args.js';
import { ConnectWithApiKeyArgs } from './connect-api-key.args.js';
import { DisconnectMarketplaceResult } from './connection-status.type.js';
import { MarketplaceConnectionObject } from './connection.type.js';
import { describeStatusReason } from './describe-status.js';
import { requireConnection } from './require-connection.js';

const MAX_ARGUMENT_LENGTH = 2048;
const MAX_REDIRECT_QUERY_LENGTH = 8192;
/** SHEIN keys are 32 characters; the limit only keeps unbounded text out. */
const MAX_KEY_LENGTH = 256;
const SUPPLIER_ID = /^\d{1,20}$/;

/** Failures of the marketplace rather than of the caller's input. */
const MARKETPLACE_FAILURES: ReadonlySet<AuthorizationFailure> = new Set(['exchange_invalid_response', 'exchange_unavailable']);

@Resolver()
export class ConnectionLifecycleResolver {
  @Mutation(() => MarketplaceConnectionObject, {
    description:
      'Completes an authorization for clients that receive the marketplace redirect themselves, with the checks of the ' +
      '/oauth/<marketplace>/callback route; the state must come from this tenant. Failures store nothing.',
  })
  async completeMarketplaceAuthorization(@Args() args: CompleteAuthorizationArgs, @Ctx() context: GraphQLContext): Promise<MarketplaceConnection> {
    const query = callbackQuery(args);
    const result = await context.services.connections.completeAuthorization({ marketplace: args.marketplace, query, tenantId: context.auth.tenantId });
    if (!result.ok) {
      const code = MARKETPLACE_FAILURES.has(result.reason) ? 'MARKETPLACE_UNAVAILABLE' : 'BAD_USER_INPUT';
      throw new PublicError(code, `oauth.reasons.${result.reason}`, { marketplace: translate(context.locale, `marketplaces.${args.marketplace}`) });
    }
    return readConnection(context, result.connectionId);
  }

  @Mutation(() => MarketplaceConnectionObject, {
    description:
      'Connects a SHEIN seller with the openKeyId and secretKey copied from the seller portal. The keys are checked with one ' +
      'read call first; keys SHEIN rejects store nothing. Other marketplaces get BAD_USER_INPUT: they use startMarketplaceAuthorization.',
  })
  async connectWithApiKey(@Args() args: ConnectWithApiKeyArgs, @Ctx() context: GraphQLContext): Promise<MarketplaceConnection> {
    const keyId = requiredText(args.openKeyId, 'openKeyId', MAX_KEY_LENGTH);
    const secret = requiredText(args.secretKey, 'secretKey', MAX_KEY_LENGTH);
    const accountId = requiredText(args.supplierId, 'supplierId', MAX_KEY_LENGTH);
    if (!SUPPLIER_ID.test(accountId)) throw badInputError('errors.input.supplierIdInvalid', { value: accountId.slice(0, 64) });
    const connectionId = await context.services.connections.connectWithApiKey({
      tenantId: context.auth.tenantId,
      marketplace: args.marketplace,
      credentials: { keyId, secret, accountId },
    });
    return readConnection(context, connectionId);
  }

  @Mutation(() => DisconnectMarketplaceResult, {
    description:
      'Disconnects an account: revokes the authorization at the marketplace where it documents a call for it, deletes the ' +
      'stored secrets and marks the connection DISCONNECTED. A failed revocation still disconnects here and says so.',
  })
  async disconnectMarketplace(@Arg('id', () => ID) id: string, @Ctx() context: GraphQLContext): Promise<DisconnectMarketplaceResult> {
    const connection = await requireConnection(context, id, 'id');
    const outcome = await context.services.connections.disconnect({ tenantId: context.auth.tenantId, connectionId: connection.id });
    context.logger.info({ connectionId: connection.id, revocation: outcome.revocation }, 'connection disconnected through GraphQL');
    return {
      connection: await readConnection(context, connection.id),
      revocation: outcome.revocation,
      message: describeStatusReason(context.locale, connection.marketplace, DISCONNECT_REASONS[outcome.revocation]).message,
    };
  }

  @Mutation(() => MarketplaceConnectionObject, {
    description:
      'Refreshes the access token now. NEEDS_REAUTH and DISCONNECTED connections get CONFLICT (connect the account again); ' +
      'connections without a refresh token (SHEIN keys, non-expiring Shopify tokens) get BAD_USER_INPUT.',
  })
  async refreshConnection(@Arg('id', () => ID) id: string, @Ctx() context: GraphQLContext): Promise<MarketplaceConnection> {
    const connection = await requireConnection(context, id, 'id');
    await context.services.connections.refresh({ tenantId: context.auth.tenantId, connectionId: connection.id });
    return readConnection(context, connection.id);
  }
}

/**
 * Builds the redirect query the callback route would have received: the parameters of
 * `redirectQuery`, with the named arguments added. A named argument that contradicts the query is
 * rejected, because a signed query (Shopify) must be checked as the marketplace sent it.
 */
function callbackQuery(args: CompleteAuthorizationArgs): Record<string, string> {
  const redirectQuery = args.redirectQuery ?? '';
  if (redirectQuery.length > MAX_REDIRECT_QUERY_LENGTH) throw badInputError('errors.input.tooLong', { argument: 'redirectQuery', max: MAX_REDIRECT_QUERY_LENGTH });
  const query: Record<string, string> = Object.fromEntries(new URLSearchParams(redirectQuery.replace(/^\?/, '')));
  // SHEIN's empower redirect names the code tempToken.
  const codeParameter = args.marketplace === Marketplace.SHEIN ? 'tempToken' : 'code';
  const named: Array<[argument: string, parameter: string, value: string | null | undefined]> = [
    ['state', 'state', args.state],
    ['code', codeParameter, args.code],
    ['error', 'error', args.error],
    ['shopDomain', 'shop', args.shopDomain],
  ];
  for (const [argument, parameter, value] of named) {
    if (value === null || value === undefined) continue;
    if (value.length > MAX_ARGUMENT_LENGTH) throw badInputError('errors.input.tooLong', { argument, max: MAX_ARGUMENT_LENGTH });
    const received = query[parameter];
    if (received !== undefined && received !== value) throw badInputError('errors.input.callbackParameterMismatch', { argument, parameter });
    query[parameter] = value;
  }
  return query;
}

function requiredText(value: string, argument: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed === '') throw badInputError('errors.input.required', { argument });
  if (trimmed.length > max) throw badInputError('errors.input.tooLong', { argument, max });
  return trimmed;
}

/** Reads the connection again, past the request's identity map, because a service changed it through its own entity manager. */
async function readConnection(context: GraphQLContext, id: string): Promise<MarketplaceConnection> {
  return context.em.findOneOrFail(MarketplaceConnection, { id }, { refresh: true });
}
