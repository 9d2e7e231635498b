import { pino, type Logger } from 'pino';

export interface CapturedLog {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** Creates a real pino logger that keeps its JSON lines in memory, so tests can assert on logs. */
export function captureLogger(): { logger: Logger; lines: CapturedLog[] } {
  const lines: CapturedLog[] = [];
  const logger = pino({ level: 'debug' }, {
    write(line: string) {
      lines.push(JSON.parse(line) as CapturedLog);
    },
  });
  return { logger, lines };
}
