import { MikroORM, type EntityManager, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { ReflectMetadataProvider } from '@mikro-orm/core';
import type { Logger } from 'pino';
import { ENTITIES } from '../entities/index.js';
import { MIGRATIONS } from '../migrations/index.js';

/** Name of the filter that scopes every query to one tenant; it is on unless disabled by name. */
export const TENANT_FILTER = 'tenant';

export interface OrmHooks {
  /** Receives every SQL statement the ORM runs (MikroORM's `query` debug namespace), e.g. to count queries. */
  onQuery?: (sql: string) => void;
}

export function ormOptions(databaseUrl: string, logger?: Logger, hooks: OrmHooks = {}): Options {
  const { onQuery } = hooks;
  return {
    clientUrl: databaseUrl,
    entities: ENTITIES,
    metadataProvider: ReflectMetadataProvider,
    extensions: [Migrator],
    migrations: { migrationsList: MIGRATIONS, transactional: true, allOrNothing: true, silent: true, snapshot: false },
    filters: {
      [TENANT_FILTER]: {
        cond: (args: { tenantId: string }) => ({ tenantId: args.tenantId }),
        default: true,
      },
    },
    discovery: { warnWhenNoEntities: false },
    // Rate-limit state (src/traffic) is plain SQL with its own migration, not entities.
    schemaGenerator: { skipTables: [/^rate_limit_/] },
    allowGlobalContext: false,
    pool: { min: 0, max: 10 },
    debug: onQuery ? ['query'] : false,
    logger: logger || onQuery ? (message: string) => forwardOrmMessage(message, logger, onQuery) : undefined,
  };
}

const ANSI_COLOR = /\u001b\[[0-9;]*m/g;

/** Passes SQL statements (MikroORM's `[query] ...` lines, which may carry ANSI colors) to `onQuery`. */
function forwardOrmMessage(message: string, logger: Logger | undefined, onQuery: OrmHooks['onQuery']): void {
  const plain = message.replace(ANSI_COLOR, '');
  if (onQuery && plain.startsWith('[query] ')) onQuery(plain.slice('[query] '.length));
  logger?.debug({ orm: true }, plain);
}

/** Connects and applies every pending migration. */
export async function openDatabase(databaseUrl: string, logger?: Logger, hooks: OrmHooks = {}): Promise<MikroORM> {
  const orm = await MikroORM.init(ormOptions(databaseUrl, logger, hooks));
  const applied = await orm.getMigrator().up();
  if (applied.length > 0) logger?.info({ migrations: applied.map((m) => m.name) }, 'database migrations applied');
  return orm;
}

/** Returns a fresh entity manager that reads and writes only `tenantId`'s rows. */
export function tenantEntityManager(orm: MikroORM, tenantId: string): EntityManager {
  const em = orm.em.fork({ clear: true });
  em.setFilterParams(TENANT_FILTER, { tenantId });
  return em;
}

/**
 * Returns an entity manager without the tenant filter, for work that spans tenants (finding due
 * jobs, routing a webhook to its tenant). Callers must narrow to one tenant before touching rows.
 */
export function crossTenantEntityManager(orm: MikroORM): EntityManager {
  const em = orm.em.fork({ clear: true });
  em.setFilterParams(TENANT_FILTER, { tenantId: '' });
  return em;
}

export type { EntityManager, MikroORM };
