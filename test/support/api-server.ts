import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import type { MikroORM } from '../../src/database/orm.js';
import { createDevelopmentToken } from '../../src/commands/dev-token.js';
import { createHttpServer, type HttpServer } from '../../src/server/http-server.js';
import { createJwtVerifier } from '../../src/security/jwt.js';
import type { Services } from '../../src/services.js';
import { createInProcessServices, type InProcessEvents } from './in-process-services.js';

export interface TestApi {
  server: HttpServer;
  services: Services & { events: InProcessEvents };
  secret: string;
  /** A valid HS256 token for `tenantId`, with `sub` set unless `userId` is null. */
  token(tenantId: string, userId?: string | null): Promise<string>;
  close(): Promise<void>;
}

/** Starts the real HTTP server on 127.0.0.1 with a free port, a fresh secret and in-process services. */
export async function startTestApi(orm: MikroORM, options: { exposeStackTraces?: boolean } = {}): Promise<TestApi> {
  const secret = randomBytes(32).toString('base64url');
  const logger = pino({ level: 'silent' });
  const services = createInProcessServices(orm);
  const server = await createHttpServer({
    orm,
    services,
    auth: createJwtVerifier({ secret, logger }),
    logger,
    config: { host: '127.0.0.1', port: 0, exposeStackTraces: options.exposeStackTraces },
  });
  return {
    server,
    services,
    secret,
    token: (tenantId, userId = 'user-1') => createDevelopmentToken({ secret, tenantId, userId: userId ?? undefined }),
    close: () => server.close(),
  };
}
