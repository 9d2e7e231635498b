import { z } from 'zod';
import { SYNC_EVENT_TYPES, type SyncEvent } from '../services.js';

/** PostgreSQL channel that carries sync events between processes. */
export const SYNC_EVENTS_CHANNEL = 'egdc_sync_events';

/**
 * Largest NOTIFY payload we send, in UTF-8 bytes. PostgreSQL rejects payloads of 8,000 bytes or
 * more; the margin keeps a clear error of ours in front of the server's.
 */
export const MAX_EVENT_PAYLOAD_BYTES = 7_900;

const optionalText = z.string().nullish();

/** Shape of one event on the wire; incoming notifications are checked against it. */
export const syncEventSchema = z.object({
  id: z.uuid(),
  type: z.enum(SYNC_EVENT_TYPES),
  tenantId: z.string().min(1),
  connectionId: z.string().min(1),
  syncRunId: optionalText,
  listingId: optionalText,
  sku: optionalText,
  message: optionalText,
  occurredAt: z.iso.datetime({ offset: true }),
  data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
}) satisfies z.ZodType<SyncEvent>;

/** Thrown by `publish` when the serialized event would not fit in one NOTIFY payload. */
export class EventPayloadTooLargeError extends Error {
  override name = 'EventPayloadTooLargeError';

  constructor(
    readonly eventType: string,
    readonly payloadBytes: number,
  ) {
    super(
      `Sync event ${eventType} is ${payloadBytes} bytes as JSON, over the ${MAX_EVENT_PAYLOAD_BYTES}-byte NOTIFY limit. ` +
        'Shorten `message` or `data`, or send ids and let subscribers read the details from the database.',
    );
  }
}

/** Thrown by `publish` when the event does not match `syncEventSchema`. */
export class InvalidSyncEventError extends Error {
  override name = 'InvalidSyncEventError';
}

/** Validates a complete event and returns its JSON payload, or throws one of the errors above. */
export function serializeSyncEvent(event: SyncEvent): string {
  const result = syncEventSchema.safeParse(event);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`);
    throw new InvalidSyncEventError(`Sync event ${String(event.type)} is invalid: ${problems.join('; ')}.`);
  }
  const payload = JSON.stringify(result.data);
  const payloadBytes = Buffer.byteLength(payload, 'utf8');
  if (payloadBytes > MAX_EVENT_PAYLOAD_BYTES) {
    throw new EventPayloadTooLargeError(event.type, payloadBytes);
  }
  return payload;
}

export type ParsedNotification =
  | { ok: true; event: SyncEvent }
  | { ok: false; reason: string };

/** Parses one NOTIFY payload; never throws, because a bad message from another process must not stop the listener. */
export function parseSyncEvent(payload: string): ParsedNotification {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch (error) {
    return { ok: false, reason: `payload is not JSON (${(error as Error).message})` };
  }
  const result = syncEventSchema.safeParse(json);
  if (!result.success) {
    return { ok: false, reason: result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') };
  }
  return { ok: true, event: result.data };
}
