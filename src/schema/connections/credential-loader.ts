import DataLoader from 'dataloader';
import { Credential } from '../../entities/index.js';
import type { GraphQLContext } from '../context.js';

/** Stored credential rows by connection id, for the fields that read token expiries. */
export type CredentialLoader = DataLoader<string, Credential | null>;

// One loader per request, kept beside the request's other loaders without widening their type.
const perRequest = new WeakMap<GraphQLContext['loaders'], CredentialLoader>();

/** Returns the request's loader of credentials by connection id; one SQL query per batch of connections. */
export function credentialLoader(context: GraphQLContext): CredentialLoader {
  let loader = perRequest.get(context.loaders);
  if (!loader) {
    loader = new DataLoader(async (connectionIds) => {
      const rows = await context.em.find(Credential, { connection: { $in: [...connectionIds] } });
      const byConnection = new Map(rows.map((row) => [row.connection.id, row]));
      return connectionIds.map((id) => byConnection.get(id) ?? null);
    });
    perRequest.set(context.loaders, loader);
  }
  return loader;
}
