import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxContext } from './context.js';
import { INVALID_TOKEN_BODY, mlError, type MlErrorBody } from './errors.js';
import type { AppRecord } from './store.js';

/** The seller and application behind a valid access token. */
export interface Caller {
  userId: number;
  app: AppRecord;
}

/** Extracts the token of an `Authorization: Bearer ...` header. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/** Returns the caller of an API request, or sends 401 invalid_token and returns undefined. */
export function authenticate(context: SandboxContext, request: FastifyRequest, reply: FastifyReply): Caller | undefined {
  const token = bearerToken(request);
  const record = token === undefined ? undefined : context.credentials.resolveAccessToken(token, Date.now());
  const app = record ? context.store.apps.get(record.clientId) : undefined;
  if (!record || !app) {
    void reply.code(401).send(INVALID_TOKEN_BODY);
    return undefined;
  }
  return { userId: record.userId, app };
}

/** Builds the 403 body for a resource of another seller. */
export function forbiddenBody(caller: Caller, ownerId: number): MlErrorBody {
  return mlError(
    403,
    'forbidden',
    `The caller is not authorized to access this resource: it belongs to seller ${ownerId} and the token is for seller ${caller.userId}.`,
  );
}

/** Sends 403 forbidden when the resource belongs to another seller; returns whether access is allowed. */
export function allowOwnerOnly(caller: Caller, ownerId: number, reply: FastifyReply): boolean {
  if (caller.userId === ownerId) return true;
  void reply.code(403).send(forbiddenBody(caller, ownerId));
  return false;
}
