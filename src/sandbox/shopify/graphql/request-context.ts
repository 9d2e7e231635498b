import { GraphQLError } from 'graphql';
import type { SandboxContext } from '../context.js';
import type { ShopRecord } from '../store.js';

/** Context passed to every resolver of one GraphQL request. */
export interface GraphqlContext {
  sandbox: SandboxContext;
  shop: ShopRecord;
  clientId: string;
  scopes: ReadonlySet<string>;
  /** The API version served (after falling forward from a retired one). */
  apiVersion: string;
  /** True while a bulk operation runs its query: connections then need no `first`. */
  bulk: boolean;
  now: Date;
}

/** Checks whether the granted scopes allow `scope`; a `write_` scope implies its `read_` scope. */
export function hasScope(scopes: ReadonlySet<string>, scope: string): boolean {
  if (scopes.has(scope)) return true;
  return scope.startsWith('read_') && scopes.has(`write_${scope.slice('read_'.length)}`);
}

/** Raises Shopify's ACCESS_DENIED error unless the app was granted `scope`. */
export function requireScope(context: GraphqlContext, scope: string, field: string): void {
  if (hasScope(context.scopes, scope)) return;
  throw new GraphQLError(`Access denied for ${field} field. Required access: \`${scope}\` access scope.`, {
    extensions: { code: 'ACCESS_DENIED', documentation: 'https://shopify.dev/api/usage/access-scopes', requiredAccess: `\`${scope}\` access scope.` },
  });
}

/** API versions compare as text because they are written YYYY-MM. */
export function versionAtLeast(context: GraphqlContext, version: string): boolean {
  return context.apiVersion >= version;
}
