#!/usr/bin/env node
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { DEMO_SELLER } from './demo-seed.js';
import { startMercadoLibreSandbox } from './sandbox.js';
import { computeS256Challenge } from './tokens.js';

const USAGE = `Usage: node dist/sandbox/mercadolibre/cli.js --client-id ID --client-secret SECRET --redirect-uri URL [options]

Starts a local MercadoLibre (site MLM) sandbox with one demo seller and two listings.

Options:
  --port N               TCP port to listen on (default 4010; 0 picks a free port)
  --host HOST            address to bind (default 127.0.0.1)
  --client-id ID         client id of the application to register (required)
  --client-secret SECRET client secret of that application (required)
  --redirect-uri URL     registered redirect URI; repeat the option for several (required)
  --notification-url URL where to POST items and orders_v2 notifications
  --rate N               requests per second per application before 429 (default 10)
  --pkce-optional        accept authorization requests without code_challenge
  --help                 print this text
`;

function parsePort(text: string, name: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 65_535) throw new Error(`Invalid ${name} "${text}": use an integer from 0 to 65535.`);
  return value;
}

/** Builds an authorization URL to open by hand; with PKCE it prints a fresh verifier for the token request. */
function authorizationUrl(baseUrl: string, clientId: string, redirectUri: string, withPkce: boolean): string {
  const url = new URL('/authorization', baseUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('state', randomBytes(8).toString('hex'));
  if (withPkce) {
    const verifier = randomBytes(32).toString('base64url');
    url.searchParams.set('code_challenge', computeS256Challenge(verifier));
    url.searchParams.set('code_challenge_method', 'S256');
    process.stdout.write(`PKCE code_verifier for the URL below: ${verifier}\n`);
  }
  return url.toString();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4010' },
      host: { type: 'string', default: '127.0.0.1' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'notification-url': { type: 'string' },
      rate: { type: 'string' },
      'pkce-optional': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }

  const clientId = values['client-id'];
  const clientSecret = values['client-secret'];
  const redirectUris = values['redirect-uri'] ?? [];
  if (!clientId || !clientSecret || redirectUris.length === 0) {
    process.stderr.write(`Missing --client-id, --client-secret or --redirect-uri.\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const rate = values.rate === undefined ? undefined : Number(values.rate);
  if (rate !== undefined && !(rate >= 1)) throw new Error(`Invalid --rate "${values.rate}": use a number of 1 or more.`);

  const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const sandbox = await startMercadoLibreSandbox({
    host: values.host,
    port: parsePort(values.port, '--port'),
    ratePerSecond: rate,
    logger,
    apps: [
      {
        clientId,
        clientSecret,
        redirectUris,
        requirePkce: !values['pkce-optional'],
        notificationUrl: values['notification-url'],
      },
    ],
  });
  const seller = sandbox.seedSeller(DEMO_SELLER);

  process.stdout.write(`MercadoLibre sandbox listening on ${sandbox.url}\n`);
  process.stdout.write(`Demo seller: ${DEMO_SELLER.nickname} (user id ${seller.userId}), items ${seller.itemIds.join(', ')}\n`);
  process.stdout.write(`Authorization page: ${authorizationUrl(sandbox.url, clientId, redirectUris[0] ?? '', !values['pkce-optional'])}\n`);

  const stop = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'stopping the MercadoLibre sandbox');
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'MercadoLibre sandbox did not close cleanly');
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
