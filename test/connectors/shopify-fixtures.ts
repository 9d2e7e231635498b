import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createShopifyConfig, exchangeCode, ShopifyGraphqlClient, type ShopifyConfig, type ShopifyConfigInput } from '../../src/connectors/shopify/index.js';
import type { ConnectorSession, TokenSet } from '../../src/connectors/shared/index.js';
import { ResiliencePolicy } from '../../src/connectors/shared/resilience/index.js';
import { startShopifySandbox, type RecordedRequest, type SandboxAppConfig, type SeededProduct, type SeedProduct, type ShopifySandbox } from '../../src/sandbox/shopify/index.js';
import { testLogger } from '../support/logger.js';

export const CLIENT_ID = 'egdc-shopify-client-0001';
export const CLIENT_SECRET = 'sandbox-shopify-secret-0123456789';
export const REDIRECT_URI = 'https://app.example.test/oauth/shopify/callback';

/** App entry for startShopifySandbox. */
export function sandboxApp(webhookUrl?: string): SandboxAppConfig {
  return { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI], name: 'EGDC Inventario', webhookUrl };
}

/** Connector configuration that sends every shop to the sandbox. */
export function sandboxConfig(sandbox: ShopifySandbox, overrides: Partial<ShopifyConfigInput> = {}): ShopifyConfig {
  return createShopifyConfig({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri: REDIRECT_URI,
    endpointForShop: (shopDomain) => sandbox.endpointForShop(shopDomain),
    ...overrides,
  });
}

/** Footwear models with one variant per size; SKU = model + size, as in EGDC. */
export function footwearProducts(count: number, prefix: string, sizes: string[] = ['25', '26'], available = 3): SeedProduct[] {
  return Array.from({ length: count }, (_, index) => {
    const model = `${prefix}${String(index).padStart(4, '0')}`;
    return {
      title: `Tenis ${model} Negro`,
      vendor: 'EGDC',
      variants: sizes.map((size, position) => ({
        sku: `${model}_NEGRO${size}`,
        size,
        color: 'Negro',
        barcode: position === 0 ? `750${String(index).padStart(9, '0')}1` : undefined,
        price: 899,
        available,
      })),
    };
  });
}

export interface ConnectedShop {
  tokens: TokenSet;
  session: ConnectorSession;
  client: ShopifyGraphqlClient;
}

/** Installs the app on a seeded shop (code issued by the sandbox) and builds a session and a client. */
export async function connectShop(sandbox: ShopifySandbox, config: ShopifyConfig, shopDomain: string, scopes?: string[]): Promise<ConnectedShop> {
  const { code } = sandbox.issueAuthorizationCode({ clientId: CLIENT_ID, shopDomain, redirectUri: REDIRECT_URI, scopes });
  const tokens = await exchangeCode(config, { code, shopDomain });
  const tokenSource = { getAccessToken: async () => tokens.accessToken };
  const session: ConnectorSession = { accountId: shopDomain, metadata: tokens.metadata, tokens: tokenSource, logger: testLogger() };
  // One attempt per call: these tests check how each response is handled; test/resilience covers retries.
  const client = new ShopifyGraphqlClient({ config, shopDomain, tokenSource, resilience: new ResiliencePolicy({ maxAttempts: 1 }) });
  return { tokens, session, client };
}

/** A started sandbox with one seeded shop in two locations and a connected client, for the writeStock tests. */
export interface StockTestShop {
  sandbox: ShopifySandbox;
  config: ShopifyConfig;
  connected: ConnectedShop;
  /** Bodega Centro, where every seeded variant is stocked, then Sucursal Norte. */
  locationIds: string[];
  /** The seeded product at `index`; throws when the seed has fewer. */
  product(index: number): SeededProduct;
  /** The sandbox's available level of one seeded variant. */
  available(productIndex: number, variantIndex: number): number | undefined;
  /** The SetAvailableQuantities requests the sandbox recorded since `from`, an index into `sandbox.requests`. */
  mutationsSince(from: number): RecordedRequest[];
  close(): Promise<void>;
}

/** Starts a sandbox, seeds `products` into a Plus shop with two locations and connects it. */
export async function startStockTestShop(shopDomain: string, products: SeedProduct[]): Promise<StockTestShop> {
  const sandbox = await startShopifySandbox({ apps: [sandboxApp()], logger: testLogger() });
  const config = sandboxConfig(sandbox);
  const seeded = sandbox.seedShop({ shopDomain, plan: 'plus', locations: ['Bodega Centro', 'Sucursal Norte'], products });
  const connected = await connectShop(sandbox, config, shopDomain);

  const product = (index: number): SeededProduct => {
    const found = seeded.products[index];
    if (!found) throw new Error(`no seeded product ${index}`);
    return found;
  };
  return {
    sandbox,
    config,
    connected,
    locationIds: seeded.locationIds,
    product,
    available: (productIndex, variantIndex) => sandbox.getAvailable(product(productIndex).variantIds[variantIndex] ?? ''),
    mutationsSince: (from) => sandbox.requests.slice(from).filter((request) => operationNameOf(request) === 'SetAvailableQuantities'),
    close: () => sandbox.close(),
  };
}

/** Input of one SetAvailableQuantities mutation as the sandbox recorded it. */
export interface SetQuantitiesInput {
  name: string;
  reason: string;
  referenceDocumentUri: string;
  quantities: Array<{ inventoryItemId: string; locationId: string; quantity: number; changeFromQuantity: number | null }>;
}

export function operationNameOf(request: RecordedRequest): string | undefined {
  return (request.body as { operationName?: string } | undefined)?.operationName;
}

export function setQuantitiesInputOf(request: RecordedRequest | undefined): SetQuantitiesInput {
  return (request?.body as { variables: { input: SetQuantitiesInput } }).variables.input;
}

/** Returns the key of the mutation's `@idempotent` directive, or '' when it has none. */
export function idempotencyKeyOf(request: RecordedRequest | undefined): string {
  const query = (request?.body as { query: string }).query;
  return /@idempotent\(key: "([^"]+)"\)/.exec(query)?.[1] ?? '';
}

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  rawBody: string;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  close(): Promise<void>;
}

/** Starts a webhook receiver on a free port; `status` chooses the response status per request (0-based). */
export async function startWebhookReceiver(status: (index: number) => number = () => 200): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const index = received.length;
      received.push({ headers: request.headers, rawBody: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(status(index)).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/shopify`,
    received,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
