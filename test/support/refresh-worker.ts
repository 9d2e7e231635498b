import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { ConnectorRegistry } from '../../src/connections/registry.js';
import { StoredTokenSource } from '../../src/connections/token-source.js';
import { createMercadoLibreConfig, createMercadoLibreConnector } from '../../src/connectors/mercadolibre/index.js';
import { ormOptions } from '../../src/database/orm.js';
import { createPostgresEvents } from '../../src/events/postgres-events.js';
import { parseKeyRing, Vault } from '../../src/security/vault.js';
import { testLogger } from './logger.js';

/** Environment variable that carries the worker's input as JSON. */
export const REFRESH_WORKER_INPUT = 'REFRESH_WORKER_INPUT';

export const refreshWorkerInput = z.object({
  databaseUrl: z.string().min(1),
  sandboxUrl: z.url(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  redirectUri: z.url(),
  keyRing: z.string().min(1),
  tenantId: z.string().min(1),
  connectionId: z.uuid(),
  callers: z.number().int().positive(),
});
export type RefreshWorkerInput = z.output<typeof refreshWorkerInput>;

/** Lines the worker prints on stdout, one JSON object each. */
export const refreshWorkerMessage = z.discriminatedUnion('event', [
  z.object({ event: z.literal('ready') }),
  z.object({ event: z.literal('done'), digests: z.array(z.string()), errors: z.array(z.string()) }),
]);
export type RefreshWorkerMessage = z.output<typeof refreshWorkerMessage>;

/** SHA-256 of a token in hex: lets the worker report which token it got without printing the token. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function send(message: RefreshWorkerMessage): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

/**
 * Runs the second process of the concurrent refresh test. It connects to the same database and
 * sandbox, prints `ready`, waits for `go` on stdin, then requests an access token from `callers`
 * token sources at once. It prints SHA-256 digests of the tokens it received, never the tokens.
 */
export async function main(): Promise<number> {
  const input = refreshWorkerInput.parse(JSON.parse(process.env[REFRESH_WORKER_INPUT] ?? '{}'));
  const logger = testLogger();
  const orm = await MikroORM.init(ormOptions(input.databaseUrl, logger));
  const events = await createPostgresEvents({ databaseUrl: input.databaseUrl, logger });
  const connectors = new ConnectorRegistry();
  connectors.register(createMercadoLibreConnector(createMercadoLibreConfig({
    clientId: input.clientId,
    clientSecret: input.clientSecret,
    redirectUri: input.redirectUri,
    authBaseUrl: input.sandboxUrl,
    apiBaseUrl: input.sandboxUrl,
  })));
  const deps = { orm, vault: new Vault(parseKeyRing(input.keyRing)), connectors, events, logger };
  // Opens pool connections before `ready`, so the callers start together when `go` arrives.
  await Promise.all(Array.from({ length: 5 }, () => orm.em.getConnection().execute('select 1')));

  send({ event: 'ready' });
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line.trim() === 'go') break;
  }
  lines.close();

  const results = await Promise.allSettled(
    Array.from({ length: input.callers }, () => new StoredTokenSource(deps, input.tenantId, input.connectionId).getAccessToken()),
  );
  const digests = results.flatMap((result) => (result.status === 'fulfilled' ? [tokenDigest(result.value)] : []));
  const errors = results.flatMap((result) => (result.status === 'rejected' ? [String(result.reason)] : []));
  send({ event: 'done', digests, errors });

  await events.close();
  await orm.close(true);
  return errors.length === 0 ? 0 : 1;
}
