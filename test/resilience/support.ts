import { setTimeout as sleep } from 'node:timers/promises';
import { pino, type Logger } from 'pino';
import type { CallOutcome, CallPermit, CallRequest, TrafficControl } from '../../src/connectors/shared/traffic.js';
import type { SyncEvent } from '../../src/services.js';

/** One log line as pino writes it. */
export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

const WARN = 40;

/** Creates a logger that keeps every line in memory, for tests that assert on warnings. */
export function captureLogger(): { logger: Logger; lines: LogLine[]; warnings: () => LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines, warnings: () => lines.filter((line) => line.level === WARN) };
}

/**
 * A TrafficControl that grants every call at once and records what the call path asked and
 * reported, in order: the port's real implementation lives in src/traffic.
 */
export class RecordingTraffic implements TrafficControl {
  readonly events: Array<{ type: 'acquire'; call: CallRequest } | { type: 'settle'; outcome: CallOutcome }> = [];

  acquire(call: CallRequest): Promise<CallPermit> {
    this.events.push({ type: 'acquire', call: { ...call } });
    return Promise.resolve({ settle: (outcome) => void this.events.push({ type: 'settle', outcome: { ...outcome } }) });
  }

  get acquired(): CallRequest[] {
    return this.events.flatMap((event) => (event.type === 'acquire' ? [event.call] : []));
  }

  get settled(): CallOutcome[] {
    return this.events.flatMap((event) => (event.type === 'settle' ? [event.outcome] : []));
  }
}

/** Awaits a promise that must reject and returns the rejection reason. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail, but it succeeded');
    },
    (caught: unknown) => caught,
  );
}

/** Resolves with the next event of the subscription; rejects after `timeoutMs`. */
export async function nextEvent(subscription: AsyncIterableIterator<SyncEvent>, timeoutMs = 5000): Promise<SyncEvent> {
  const timeout = sleep(timeoutMs).then(() => {
    throw new Error(`no event within ${timeoutMs} ms`);
  });
  const next = subscription.next().then((result) => {
    if (result.done) throw new Error('the subscription ended');
    return result.value;
  });
  return Promise.race([next, timeout]);
}
