#!/usr/bin/env node
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { DEMO_SHOP } from './demo-seed.js';
import { KNOWN_SCOPES } from './oauth.js';
import { startShopifySandbox } from './sandbox.js';
import { RESTORE_RATE_BY_PLAN } from './throttle.js';
import type { ShopPlan } from './types.js';

const USAGE = `Usage: node dist/sandbox/shopify/cli.js --client-id ID --client-secret SECRET --redirect-uri URL [options]

Starts a local Shopify sandbox with one demo shop (${DEMO_SHOP.shopDomain}) and two products.
Shops are served under {url}/shops/{shopDomain}: point the connector's endpointForShop there.

Options:
  --port N               TCP port to listen on (default 4020; 0 picks a free port)
  --host HOST            address to bind (default 127.0.0.1)
  --client-id ID         client id of the app to register (required)
  --client-secret SECRET client secret of that app (required)
  --redirect-uri URL     allowed redirection URL; repeat the option for several (required)
  --webhook-url URL      where to POST the webhooks of shops that install the app
  --plan PLAN            demo shop plan: standard, advanced, plus or enterprise (default standard);
                         sets the GraphQL restore rate (100, 200, 1000 or 2000 points per second)
  --help                 print this text
`;

function parsePort(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 65_535) throw new Error(`Invalid --port "${text}": use an integer from 0 to 65535.`);
  return value;
}

function parsePlan(text: string | undefined): ShopPlan {
  if (text === undefined) return 'standard';
  if (text in RESTORE_RATE_BY_PLAN) return text as ShopPlan;
  throw new Error(`Invalid --plan "${text}": use ${Object.keys(RESTORE_RATE_BY_PLAN).join(', ')}.`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4020' },
      host: { type: 'string', default: '127.0.0.1' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'webhook-url': { type: 'string' },
      plan: { type: 'string' },
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

  const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const sandbox = await startShopifySandbox({
    host: values.host,
    port: parsePort(values.port),
    logger,
    apps: [{ clientId, clientSecret, redirectUris, webhookUrl: values['webhook-url'] }],
  });
  sandbox.seedShop({ ...DEMO_SHOP, plan: parsePlan(values.plan) });

  const authorize = new URL(`${sandbox.endpointForShop(DEMO_SHOP.shopDomain)}/admin/oauth/authorize`);
  authorize.searchParams.set('client_id', clientId);
  authorize.searchParams.set('scope', KNOWN_SCOPES.join(','));
  authorize.searchParams.set('redirect_uri', redirectUris[0] ?? '');
  authorize.searchParams.set('state', randomBytes(8).toString('hex'));
  process.stdout.write(`Shopify sandbox listening on ${sandbox.url}\n`);
  process.stdout.write(`Demo shop: ${DEMO_SHOP.shopDomain} at ${sandbox.endpointForShop(DEMO_SHOP.shopDomain)}\n`);
  process.stdout.write(`Install page: ${authorize.toString()}\n`);

  const stop = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'stopping the Shopify sandbox');
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'Shopify sandbox did not close cleanly');
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
