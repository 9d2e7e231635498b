import type { Logger } from 'pino';
import { tenantEntityManager, type EntityManager, type MikroORM } from '../database/orm.js';
import type { Locale } from '../i18n/index.js';
import type { AuthContext } from '../security/jwt.js';
import type { Services } from '../services.js';
import { createLoaders, type Loaders } from './loaders.js';

/** Resolver context: the verified caller, their locale and tenant-scoped data access. */
export interface GraphQLContext {
  auth: AuthContext;
  locale: Locale;
  /** Sees only `auth.tenantId`'s rows: the global tenant filter stays on. */
  em: EntityManager;
  loaders: Loaders;
  services: Services;
  logger: Logger;
}

/** Builds the context of one operation (one HTTP request, or one subscription on a socket). */
export function createGraphQLContext(input: {
  orm: MikroORM;
  services: Services;
  auth: AuthContext;
  locale: Locale;
  logger: Logger;
}): GraphQLContext {
  const em = tenantEntityManager(input.orm, input.auth.tenantId);
  return {
    auth: input.auth,
    locale: input.locale,
    em,
    loaders: createLoaders(em),
    services: input.services,
    logger: input.logger.child({ tenantId: input.auth.tenantId, userId: input.auth.userId }),
  };
}
