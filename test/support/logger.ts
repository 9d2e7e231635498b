import { pino, type Logger } from 'pino';

/**
 * The logger every test hands to the code under test. Use it instead of a silent pino, so that
 * suite-wide checks (such as the secret-leak check) see every line the product writes.
 */
export function testLogger(): Logger {
  return pino({ level: 'silent' });
}
