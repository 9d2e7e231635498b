import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { secretCheckDir } from './secret-ledger.js';

/**
 * Captures of what the product writes and sends during the tests: log lines and the responses
 * of our own servers. The secret-leak check searches them at the end of the run. Each process
 * writes its own files under `<check dir>/captures`, named after the test file that runs in it.
 */

let label = 'process';
const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
let logDestination: pino.DestinationStream | undefined;
const capturedOrigins = new Set<string>();

/** Names this process's capture files after the test file it runs, e.g. `test/sync/orders.test.ts`. */
export function setCaptureLabel(name: string): void {
  label = name.replace(/[^A-Za-z0-9._-]+/g, '_');
}

function captureFile(kind: 'log' | 'responses'): string | undefined {
  const dir = secretCheckDir();
  if (!dir) return undefined;
  const folder = path.join(dir, 'captures');
  mkdirSync(folder, { recursive: true });
  return path.join(folder, `${label}.${suffix}.${kind}.jsonl`);
}

/**
 * Returns the stream every test logger of this process writes to, or undefined when no check runs.
 * Writes are synchronous, so a worker that exits abruptly loses no line.
 */
export function logCaptureDestination(): pino.DestinationStream | undefined {
  if (logDestination) return logDestination;
  const file = captureFile('log');
  if (!file) return undefined;
  logDestination = pino.destination({ dest: file, sync: true });
  return logDestination;
}

/** Appends one received text (a response, a message) to the captures, with `source` naming where it came from. */
export function captureText(source: string, text: string): void {
  const file = captureFile('responses');
  if (!file) return;
  appendFileSync(file, `${JSON.stringify({ source, text })}\n`);
}

/** Captures from now on every fetch response from the server at `url`'s origin (one of ours, never a sandbox). */
export function captureResponsesFrom(url: string | URL): void {
  capturedOrigins.add(new URL(url).origin);
}

const OBSERVED = Symbol.for('egdc.test.fetchObserved');

/**
 * Wraps the global fetch so that responses from the origins given to captureResponsesFrom are
 * copied into the captures, headers and body, before the caller sees them. Other responses, such
 * as the sandboxes' token responses, pass through untouched.
 */
export function observeFetchResponses(): void {
  const globals = globalThis as typeof globalThis & { [OBSERVED]?: true };
  if (globals[OBSERVED]) return;
  globals[OBSERVED] = true;
  const originalFetch = globalThis.fetch;

  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const response = await originalFetch(input, init);
    const url = new URL(response.url || (input instanceof Request ? input.url : String(input)));
    if (!capturedOrigins.has(url.origin)) return response;

    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const source = `${method} ${url.pathname} -> ${response.status}`;
    const headers = [...response.headers].map(([name, value]) => `${name}: ${value}`).join('\n');
    let body: string;
    try {
      body = await response.clone().text();
    } catch (error) {
      body = `(body not readable: ${error instanceof Error ? error.message : String(error)})`;
    }
    captureText(source, `${headers}\n\n${body}`);
    return response;
  };
}
