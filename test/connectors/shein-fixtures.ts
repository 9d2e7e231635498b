import { createCipheriv } from 'node:crypto';
import type { ConnectorSession, TokenSet } from '../../src/connectors/shared/index.js';
import { createSheinConfig, exchangeTempToken, type SheinConfig } from '../../src/connectors/shein/index.js';
import { startSheinSandbox } from '../../src/sandbox/shein/index.js';
import type { SeedProduct, SheinSandbox, SheinSandboxOptions } from '../../src/sandbox/shein/index.js';
import { testLogger } from '../support/logger.js';

export const APP_ID = '7F3A9C0E5B21D4468A0C1E2F3B4D5';
export const APP_SECRET = '5F0C2B9A7D3E4F618A2B3C4D5E6F7A8B';
export const REDIRECT_URI = 'https://app.example.test/oauth/shein/callback';

export function startTestSandbox(options: SheinSandboxOptions & { webhookUrl?: string } = {}): Promise<SheinSandbox> {
  const { webhookUrl, ...rest } = options;
  return startSheinSandbox({
    logger: testLogger(),
    requestSpacingMs: 0,
    apps: [{ appId: APP_ID, appSecret: APP_SECRET, redirectUrls: [REDIRECT_URI], webhookUrl }],
    ...rest,
  });
}

/** Connector configuration with the API host and the empower page on the sandbox. */
export function sandboxConfig(sandbox: SheinSandbox, overrides: Partial<SheinConfig> = {}): SheinConfig {
  return createSheinConfig({
    appId: APP_ID,
    appSecret: APP_SECRET,
    redirectUri: REDIRECT_URI,
    empowerBaseUrl: `${sandbox.url}/empower`,
    apiBaseUrl: sandbox.url,
    ...overrides,
  });
}

/** Authorizes the app for a seeded seller (tempToken issued by the sandbox) and returns the keys. */
export function connectSeller(sandbox: SheinSandbox, config: SheinConfig, supplierId: number): Promise<TokenSet> {
  const tempToken = sandbox.issueAuthorizationCode({ appId: APP_ID, supplierId });
  return exchangeTempToken(config, tempToken);
}

/** Builds a connector session for the keys that counts API calls in `calls.count`. */
export function sessionFor(tokens: TokenSet, calls: { count: number } = { count: 0 }): ConnectorSession {
  return {
    accountId: tokens.accountId,
    metadata: tokens.metadata,
    tokens: { getAccessToken: async () => tokens.accessToken },
    logger: testLogger(),
    onApiCall: () => {
      calls.count += 1;
    },
  };
}

/** Footwear models: one colour each, one SKU per size, seller SKU `{prefix}{n}_NEGRO{size}`. */
export function footwear(count: number, prefix: string, sizes: string[] = ['24', '25', '26'], quantity = 4): SeedProduct[] {
  return Array.from({ length: count }, (_, index) => {
    const model = `${prefix}${String(index).padStart(3, '0')}`;
    return {
      title: `Tenis ${model} Negro`,
      price: 899,
      skcs: [{ color: 'Negro', sizes: sizes.map((size) => ({ size, sellerSku: `${model}_NEGRO${size}`, quantity })) }],
    };
  });
}

/** AES-128-CBC with the fixed IV, written here with node:crypto as an oracle independent of both implementations. */
export function encryptForTest(plaintext: string, secret: string): string {
  const key = Buffer.alloc(16);
  Buffer.from(secret, 'utf8').copy(key, 0, 0, 16);
  const cipher = createCipheriv('aes-128-cbc', key, Buffer.from('space-station-de', 'utf8'));
  return Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}
