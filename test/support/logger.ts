import { pino, type Logger } from 'pino';
import { createLogger } from '../../src/logging.js';
import { logCaptureDestination } from './capture.js';

/**
 * Returns the logger every test hands to the code under test. It logs at `trace` with the production
 * logger's redaction into this process's log capture, which the secret-leak check searches after
 * the run. Outside a run with that check (no global setup, such as a child process started
 * without the environment), it is silent.
 */
export function testLogger(): Logger {
  const destination = logCaptureDestination();
  if (!destination) return pino({ level: 'silent' });
  return createLogger('trace', destination);
}
