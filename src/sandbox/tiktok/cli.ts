#!/usr/bin/env node
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { DEMO_SELLER } from './demo-seed.js';
import { startTikTokSandbox } from './sandbox.js';

const USAGE = `Usage: node dist/sandbox/tiktok/cli.js --app-key KEY --app-secret SECRET --service-id ID --redirect-url URL [options]

Starts a local TikTok Shop sandbox (authorization page, token host and Open API) with one demo
seller, one Mexican shop and two footwear products.

Options:
  --port N             TCP port to listen on (default 4020; 0 picks a free port)
  --host HOST          address to bind (default 127.0.0.1)
  --app-key KEY        app key of the app to register (required)
  --app-secret SECRET  app secret of that app (required)
  --service-id ID      service id of the authorization link (required)
  --redirect-url URL   redirect URL registered for the app (required)
  --webhook-url URL    where to POST signed webhooks
  --rate N             requests per second per API, app and shop before 429 (default 50)
  --help               print this text
`;

function parsePort(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 65_535) throw new Error(`Invalid --port "${text}": use an integer from 0 to 65535.`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4020' },
      host: { type: 'string', default: '127.0.0.1' },
      'app-key': { type: 'string' },
      'app-secret': { type: 'string' },
      'service-id': { type: 'string' },
      'redirect-url': { type: 'string' },
      'webhook-url': { type: 'string' },
      rate: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const appKey = values['app-key'];
  const appSecret = values['app-secret'];
  const serviceId = values['service-id'];
  const redirectUrl = values['redirect-url'];
  if (!appKey || !appSecret || !serviceId || !redirectUrl) {
    process.stderr.write(`Missing --app-key, --app-secret, --service-id or --redirect-url.\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const rate = values.rate === undefined ? undefined : Number(values.rate);
  if (rate !== undefined && !(rate >= 1)) throw new Error(`Invalid --rate "${values.rate}": use a number of 1 or more.`);

  const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const sandbox = await startTikTokSandbox({
    host: values.host,
    port: parsePort(values.port),
    ratePerSecond: rate,
    logger,
    apps: [{ appKey, appSecret, serviceId, redirectUrl, webhookUrl: values['webhook-url'] }],
  });
  const seller = sandbox.seedSeller(DEMO_SELLER);
  const shop = seller.shops[0];

  const authorizeUrl = new URL('/open/authorize', sandbox.url);
  authorizeUrl.searchParams.set('service_id', serviceId);
  authorizeUrl.searchParams.set('state', randomBytes(8).toString('hex'));
  process.stdout.write(`TikTok Shop sandbox listening on ${sandbox.url}\n`);
  process.stdout.write(`Demo seller: ${DEMO_SELLER.sellerName}, shop ${shop?.shopId ?? '?'} (${shop?.region ?? '?'}), products ${shop?.productIds.join(', ') ?? ''}\n`);
  process.stdout.write(`Authorization page: ${authorizeUrl.toString()}\n`);

  const stop = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'stopping the TikTok Shop sandbox');
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'TikTok Shop sandbox did not close cleanly');
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
