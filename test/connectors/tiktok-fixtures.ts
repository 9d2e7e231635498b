import { createTikTokConfig, exchangeCode, TikTokClient, type TikTokConfig } from '../../src/connectors/tiktok/index.js';
import type { ConnectorSession, TokenSet } from '../../src/connectors/shared/index.js';
import { ResiliencePolicy } from '../../src/connectors/shared/resilience/index.js';
import type { SandboxAppConfig, SeedProduct, TikTokSandbox } from '../../src/sandbox/tiktok/index.js';
import { testLogger } from '../support/logger.js';

export const APP_KEY = '6a1b2c3d4e5f7';
export const APP_SECRET = 'sandbox-app-secret-0123456789abcdef';
export const SERVICE_ID = '7172000000000070150';
export const REDIRECT_URI = 'https://app.example.test/oauth/tiktok/callback';

/** App entry for startTikTokSandbox. */
export function sandboxApp(overrides: Partial<SandboxAppConfig> = {}): SandboxAppConfig {
  return { appKey: APP_KEY, appSecret: APP_SECRET, serviceId: SERVICE_ID, redirectUrl: REDIRECT_URI, ...overrides };
}

/** Connector configuration pointing the authorization page, token host and API host at the sandbox. */
export function sandboxConfig(sandbox: TikTokSandbox, overrides: Partial<TikTokConfig> = {}): TikTokConfig {
  return createTikTokConfig({
    appKey: APP_KEY,
    appSecret: APP_SECRET,
    serviceId: SERVICE_ID,
    redirectUri: REDIRECT_URI,
    authorizeUrl: `${sandbox.url}/open/authorize`,
    authBaseUrl: sandbox.url,
    apiBaseUrl: sandbox.url,
    ...overrides,
  });
}

export interface ConnectedShop {
  tokens: TokenSet;
  session: ConnectorSession;
  client: TikTokClient;
}

/** Authorizes the app for a seeded seller (code issued by the sandbox) and builds a session and a client. */
export async function connectShop(sandbox: TikTokSandbox, config: TikTokConfig, openId: string): Promise<ConnectedShop> {
  const code = sandbox.issueAuthorizationCode({ appKey: config.appKey, openId });
  const tokens = await exchangeCode(config, code);
  const tokenSource = { getAccessToken: async () => tokens.accessToken };
  const session: ConnectorSession = { accountId: tokens.accountId, metadata: tokens.metadata, tokens: tokenSource, logger: testLogger() };
  const cipher = typeof tokens.metadata?.shopCipher === 'string' ? tokens.metadata.shopCipher : undefined;
  // One attempt per call: these tests check how each response is handled; test/resilience covers retries.
  const client = new TikTokClient({ config, tokenSource, shopCipher: cipher, resilience: new ResiliencePolicy({ maxAttempts: 1 }) });
  return { tokens, session, client };
}

/** Footwear products, one per model, with one SKU per size; the seller SKU is model + size. */
export function footwearProducts(count: number, prefix: string, sizes: string[] = ['23', '24', '25'], quantity = 4): SeedProduct[] {
  return Array.from({ length: count }, (_, index) => {
    const model = `${prefix}${String(index).padStart(3, '0')}`;
    return {
      title: `Tenis ${model} Negro`,
      // Every other product names its size attribute in English, as some sellers do.
      sizeAttributeName: index % 2 === 0 ? 'Talla' : 'Size',
      skus: sizes.map((size) => ({ sellerSku: `${model}_NEGRO${size}`, size, color: 'NEGRO', price: 899, quantity })),
    };
  });
}

/** Awaits a promise that must reject and returns its rejection reason. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the promise to reject, but it resolved');
    },
    (caught: unknown) => caught,
  );
}
