#!/usr/bin/env node
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { DEMO_SELLER } from './demo-seed.js';
import { startSheinSandbox } from './sandbox.js';

const USAGE = `Usage: node dist/sandbox/shein/cli.js --app-id ID --app-secret SECRET --redirect-url URL [options]

Starts a local SHEIN Open Platform sandbox (empower page and API) with one demo seller.

Options:
  --port N              TCP port to listen on (default 4030; 0 picks a free port)
  --host HOST           address to bind (default 127.0.0.1)
  --app-id ID           appid of the application to register (required)
  --app-secret SECRET   app secret of that application (required)
  --redirect-url URL    registered redirect URL; repeat the option for several (required)
  --webhook-url URL     where to POST event callbacks (order, stock, product_audit)
  --spacing-ms N        minimum milliseconds between two calls of one seller before 429 (default 150; 0 turns it off)
  --help                print this text
`;

function parseInteger(text: string, name: string, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > max) throw new Error(`Invalid ${name} "${text}": use an integer from 0 to ${max}.`);
  return value;
}

/** Builds the empower link to open by hand. The sandbox serves the page at /empower instead of SHEIN's `#/empower`. */
function empowerUrl(baseUrl: string, appId: string, redirectUrl: string): string {
  const query = new URLSearchParams({
    appid: appId,
    redirectUrl: Buffer.from(redirectUrl, 'utf8').toString('base64'),
    state: randomBytes(8).toString('hex'),
  });
  return `${baseUrl}/empower?${query.toString()}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4030' },
      host: { type: 'string', default: '127.0.0.1' },
      'app-id': { type: 'string' },
      'app-secret': { type: 'string' },
      'redirect-url': { type: 'string', multiple: true },
      'webhook-url': { type: 'string' },
      'spacing-ms': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const appId = values['app-id'];
  const appSecret = values['app-secret'];
  const redirectUrls = values['redirect-url'] ?? [];
  if (!appId || !appSecret || redirectUrls.length === 0) {
    process.stderr.write(`Missing --app-id, --app-secret or --redirect-url.\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }

  const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const sandbox = await startSheinSandbox({
    host: values.host,
    port: parseInteger(values.port, '--port', 65_535),
    requestSpacingMs: values['spacing-ms'] === undefined ? undefined : parseInteger(values['spacing-ms'], '--spacing-ms', 60_000),
    logger,
    apps: [{ appId, appSecret, redirectUrls, webhookUrl: values['webhook-url'] }],
  });
  const seller = sandbox.seedSeller(DEMO_SELLER);

  process.stdout.write(`SHEIN sandbox listening on ${sandbox.url}\n`);
  process.stdout.write(`Demo seller: ${DEMO_SELLER.name} (supplierId ${seller.supplierId}), SPUs ${seller.spuNames.join(', ')}\n`);
  process.stdout.write(`Empower page: ${empowerUrl(sandbox.url, appId, redirectUrls[0] ?? '')}\n`);

  const stop = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'stopping the SHEIN sandbox');
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'SHEIN sandbox did not close cleanly');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
