import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { MarketplaceEndpoints } from '../app/connectors.js';
import type { Config } from '../config.js';
import { startMercadoLibreSandbox, type MercadoLibreSandbox } from '../sandbox/mercadolibre/index.js';
import { startSheinSandbox, type SheinSandbox } from '../sandbox/shein/index.js';
import { startShopifySandbox, type ShopifySandbox } from '../sandbox/shopify/index.js';
import { startTikTokSandbox, type TikTokSandbox } from '../sandbox/tiktok/index.js';

export interface Sandboxes {
  mercadolibre: MercadoLibreSandbox;
  shopify: ShopifySandbox;
  tiktok: TikTokSandbox;
  shein: SheinSandbox;
  endpoints: MarketplaceEndpoints;
  close(): Promise<void>;
}

/**
 * Rate limits of the sandboxes. Each keeps its marketplace's kind of limit (requests per second,
 * a cost bucket, a minimum spacing between calls); only the numbers are set here.
 */
export interface SandboxLimits {
  /** MercadoLibre requests per second per app before 429. */
  mercadolibreRatePerSecond?: number;
  /** Shopify GraphQL cost points restored per second; the bucket size is 20 times that. */
  shopifyRestoreRate?: number;
  /** TikTok Shop requests per second per API, app and shop before 429. */
  tiktokRatePerSecond?: number;
  /** Minimum milliseconds between two SHEIN calls of one seller before 429. */
  sheinRequestSpacingMs?: number;
}

/**
 * Limits for the demo and the tests, well above the marketplaces' real ones, so that a few thousand
 * listings sync in about a minute. The client-side limiter is set to the same numbers
 * (`sandboxTrafficConfig`), so it budgets for the sandbox it talks to.
 */
export const DEMO_SANDBOX_LIMITS: Required<SandboxLimits> = {
  mercadolibreRatePerSecond: 100,
  shopifyRestoreRate: 1_000,
  tiktokRatePerSecond: 100,
  sheinRequestSpacingMs: 1,
};

/** The limiter variable that matches each sandbox limit. */
const LIMIT_VARIABLES = {
  mercadolibreRatePerSecond: 'MERCADOLIBRE_REQUESTS_PER_SECOND',
  shopifyRestoreRate: 'SHOPIFY_RESTORE_RATE',
  tiktokRatePerSecond: 'TIKTOK_REQUESTS_PER_SECOND',
  sheinRequestSpacingMs: 'SHEIN_MIN_INTERVAL_MS',
} as const satisfies Record<keyof SandboxLimits, keyof Config>;

/**
 * Sandbox limits and the matching limiter configuration for running against the sandboxes. A limit
 * the environment sets (e.g. MERCADOLIBRE_REQUESTS_PER_SECOND=5, to watch the real pace) applies
 * to both the sandbox and the limiter; the others take the demo limits.
 */
export function sandboxTrafficConfig(config: Config, env: NodeJS.ProcessEnv = process.env): { config: Config; limits: Required<SandboxLimits> } {
  const limits = { ...DEMO_SANDBOX_LIMITS };
  const adjusted: Config = { ...config };
  for (const [limit, variable] of Object.entries(LIMIT_VARIABLES) as Array<[keyof SandboxLimits, (typeof LIMIT_VARIABLES)[keyof SandboxLimits]]>) {
    if (env[variable]?.trim()) limits[limit] = sandboxValue(limit, config[variable]);
    else adjusted[variable] = limits[limit];
  }
  return { config: adjusted, limits };
}

/** App ids of the demo app on each sandbox; the secrets are random on every start. */
const APP_IDS = {
  mercadolibre: '4444555566667777',
  shopify: 'c4a9e7f1b2d3a5c6e8f0a1b2c3d4e5f6',
  tiktok: { appKey: '6e2d1c0b9a8f7', serviceId: '7172000000000070151' },
  shein: '1A2B3C4D5E6F708192A3B4C5D6E7F',
} as const;

const APP_NAME = 'EGDC Integraciones (demo)';

/**
 * Starts a local sandbox of each marketplace, with an app registered whose redirect and webhook
 * URLs point at this service under `publicUrl`, and returns the endpoints to connect to them.
 */
export async function startSandboxes(options: { publicUrl: string; logger: Logger } & SandboxLimits): Promise<Sandboxes> {
  const limits = { ...DEMO_SANDBOX_LIMITS, ...definedOnly(options) };
  const callback = (segment: string) => `${options.publicUrl}/oauth/${segment}/callback`;
  const webhook = (segment: string) => `${options.publicUrl}/webhooks/${segment}`;
  const logger = (marketplace: string) => options.logger.child({ module: 'sandbox', marketplace });
  const secret = () => randomBytes(24).toString('base64url');
  const started: Array<{ close(): Promise<void> }> = [];
  const closeAll = async () => {
    for (const sandbox of started.reverse()) await sandbox.close();
  };
  const servicePort = Number(new URL(options.publicUrl).port);

  try {
    const mercadolibreSecret = secret();
    const mercadolibre = await avoidingPort(servicePort, () => startMercadoLibreSandbox({
      apps: [{ clientId: APP_IDS.mercadolibre, clientSecret: mercadolibreSecret, name: APP_NAME, redirectUris: [callback('mercadolibre')], notificationUrl: webhook('mercadolibre') }],
      ratePerSecond: limits.mercadolibreRatePerSecond,
      logger: logger('MERCADOLIBRE'),
    }));
    started.push(mercadolibre);

    const shopifySecret = secret();
    const shopify = await avoidingPort(servicePort, () => startShopifySandbox({
      apps: [{ clientId: APP_IDS.shopify, clientSecret: shopifySecret, name: APP_NAME, redirectUris: [callback('shopify')], webhookUrl: webhook('shopify') }],
      throttle: { restoreRate: limits.shopifyRestoreRate },
      logger: logger('SHOPIFY'),
    }));
    started.push(shopify);

    const tiktokSecret = randomBytes(20).toString('hex');
    const tiktok = await avoidingPort(servicePort, () => startTikTokSandbox({
      apps: [{ ...APP_IDS.tiktok, appSecret: tiktokSecret, name: APP_NAME, redirectUrl: callback('tiktok'), webhookUrl: webhook('tiktok') }],
      ratePerSecond: limits.tiktokRatePerSecond,
      logger: logger('TIKTOK'),
    }));
    started.push(tiktok);

    // SHEIN uses the secret's first 16 bytes as an AES key, so it must be at least that long.
    const sheinSecret = randomBytes(16).toString('hex').toUpperCase();
    const shein = await avoidingPort(servicePort, () => startSheinSandbox({
      apps: [{ appId: APP_IDS.shein, appSecret: sheinSecret, name: APP_NAME, redirectUrls: [callback('shein')], webhookUrl: webhook('shein') }],
      requestSpacingMs: limits.sheinRequestSpacingMs,
      logger: logger('SHEIN'),
    }));
    started.push(shein);

    return {
      mercadolibre,
      shopify,
      tiktok,
      shein,
      endpoints: {
        mercadolibre: { clientId: APP_IDS.mercadolibre, clientSecret: mercadolibreSecret, authBaseUrl: mercadolibre.url, apiBaseUrl: mercadolibre.url },
        shopify: { clientId: APP_IDS.shopify, clientSecret: shopifySecret, endpointForShop: (shopDomain) => shopify.endpointForShop(shopDomain) },
        tiktok: { ...APP_IDS.tiktok, appSecret: tiktokSecret, authorizeUrl: `${tiktok.url}/open/authorize`, authBaseUrl: tiktok.url, apiBaseUrl: tiktok.url },
        shein: { appId: APP_IDS.shein, appSecret: sheinSecret, empowerBaseUrl: `${shein.url}/empower`, apiBaseUrl: shein.url },
      },
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/**
 * Starts a sandbox on a free port other than `port`. Callers pick this service's port as a free one
 * before the sandboxes start and bind it after them, so the system could hand the same port to a
 * sandbox in between.
 */
async function avoidingPort<T extends { url: string; close(): Promise<void> }>(port: number, start: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const sandbox = await start();
    if (Number(new URL(sandbox.url).port) !== port) return sandbox;
    await sandbox.close();
    if (attempt === 3) throw new Error(`Sandbox ports kept colliding with this service's port ${port}; start again or set PORT to another free port.`);
  }
}

/**
 * Returns the sandbox's value of a limit. The sandboxes count whole requests per second, so a rate
 * below 1 is served at 1 there, while the limiter keeps the configured rate.
 */
function sandboxValue(limit: keyof SandboxLimits, value: number): number {
  return limit === 'mercadolibreRatePerSecond' || limit === 'tiktokRatePerSecond' ? Math.max(1, value) : value;
}

function definedOnly(limits: SandboxLimits): SandboxLimits {
  return Object.fromEntries(Object.entries(limits).filter(([name, value]) => name in DEMO_SANDBOX_LIMITS && value !== undefined));
}
