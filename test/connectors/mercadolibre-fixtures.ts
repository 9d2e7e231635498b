import type { MercadoLibreSandbox, SeedItem } from '../../src/sandbox/mercadolibre/types.js';
import {
  createMercadoLibreConfig,
  exchangeCode,
  MercadoLibreClient,
  type MercadoLibreConfig,
} from '../../src/connectors/mercadolibre/index.js';
import { createPkcePair, type TokenSet } from '../../src/connectors/shared/index.js';
import { ResiliencePolicy } from '../../src/connectors/shared/resilience/index.js';
import { testLogger } from '../support/logger.js';

export const CLIENT_ID = '4444555566667777';
export const CLIENT_SECRET = 'sandbox-client-secret-0123456789';
export const REDIRECT_URI = 'https://app.example.test/oauth/mercadolibre/callback';

/** Application entry for startMercadoLibreSandbox. */
export function sandboxApp(notificationUrl?: string) {
  return { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI], requirePkce: true, notificationUrl };
}

/** Connector configuration pointing both hosts at the sandbox. */
export function sandboxConfig(sandbox: MercadoLibreSandbox): MercadoLibreConfig {
  return createMercadoLibreConfig({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri: REDIRECT_URI,
    authBaseUrl: sandbox.url,
    apiBaseUrl: sandbox.url,
  });
}

export interface ConnectedSeller {
  tokens: TokenSet;
  client: MercadoLibreClient;
}

/** Authorizes the application for a seeded seller (PKCE code issued by the sandbox) and builds a client. */
export async function connectSeller(sandbox: MercadoLibreSandbox, config: MercadoLibreConfig, userId: number): Promise<ConnectedSeller> {
  const pkce = createPkcePair();
  const code = sandbox.issueAuthorizationCode({ clientId: CLIENT_ID, userId, redirectUri: REDIRECT_URI, codeChallenge: pkce.challenge });
  const tokens = await exchangeCode(config, { code, codeVerifier: pkce.verifier });
  // One attempt per call: these tests check how each response is handled; test/resilience covers retries.
  const client = new MercadoLibreClient({ config, tokenSource: { getAccessToken: async () => tokens.accessToken }, resilience: new ResiliencePolicy({ maxAttempts: 1 }) });
  return { tokens, client };
}

/** Footwear items with two sizes each; every `plainEvery`-th item has no variations. */
export function footwearItems(count: number, prefix: string, plainEvery = 0): SeedItem[] {
  return Array.from({ length: count }, (_, index) => {
    const model = `${prefix}${String(index).padStart(4, '0')}`;
    if (plainEvery > 0 && index % plainEvery === 0) {
      return { title: `Bolsa ${model}`, price: 350, availableQuantity: 4, sellerSku: `${model}_UNICA` };
    }
    return {
      title: `Tenis ${model} Negro`,
      price: 899,
      brand: 'EGDC',
      model,
      variations: [
        { sellerSku: `${model}_NEGRO25`, size: '25', color: 'NEGRO', gtin: `750${String(index).padStart(9, '0')}1`, price: 899, availableQuantity: 3 },
        { sellerSku: `${model}_NEGRO26`, size: '26', color: 'NEGRO', price: 899, availableQuantity: 5 },
      ],
    };
  });
}
