import type { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { CredentialStore, KeyRecord } from './credentials.js';
import type { SandboxStore, AppRecord } from './store.js';
import type { WebhookSender } from './webhooks.js';

/** Signer of an API request: a seller's key, or the app itself (key exchange). */
export type Caller = { kind: 'seller'; key: KeyRecord } | { kind: 'app'; app: AppRecord };

/** State and services shared by the route modules of one sandbox instance. */
export interface SandboxContext {
  store: SandboxStore;
  credentials: CredentialStore;
  webhooks: WebhookSender;
  logger: Logger;
  /** The sandbox clock: real time plus the offset set with advanceClock(). */
  now(): number;
  timestampToleranceMs: number;
  /** The verified caller of each API request, set by the signature check. */
  callers: WeakMap<FastifyRequest, Caller>;
}

/** Returns the seller key that signed the request; routes run only after the signature check. */
export function sellerOf(context: SandboxContext, request: FastifyRequest): KeyRecord {
  const caller = context.callers.get(request);
  if (caller?.kind !== 'seller') throw new Error(`Route ${request.url} ran without a verified seller signature.`);
  return caller.key;
}

/** Validates a request body; a failure names the first bad field, as SHEIN's parameter errors do. */
export function readBody<S extends z.ZodType>(schema: S, body: unknown): { ok: true; data: z.output<S> } | { ok: false; detail: string } {
  const result = schema.safeParse(body);
  if (result.success) return { ok: true, data: result.data };
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)';
  return { ok: false, detail: `${field}: ${issue?.message ?? 'invalid value'}.` };
}
