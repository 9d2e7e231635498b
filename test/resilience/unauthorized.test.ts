import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fetchItem, MercadoLibreClient, refreshToken, type MercadoLibreConfig } from '../../src/connectors/mercadolibre/index.js';
import { MarketplaceError, type AccessTokenSource, type TokenSet } from '../../src/connectors/shared/index.js';
import { ResiliencePolicy } from '../../src/connectors/shared/resilience/index.js';
import { refreshAccessToken, ShopifyGraphqlClient, type ShopifyConfig } from '../../src/connectors/shopify/index.js';
import { startMercadoLibreSandbox } from '../../src/sandbox/mercadolibre/index.js';
import type { MercadoLibreSandbox } from '../../src/sandbox/mercadolibre/types.js';
import { startShopifySandbox, type ShopifySandbox } from '../../src/sandbox/shopify/index.js';
import * as mercadolibre from '../connectors/mercadolibre-fixtures.js';
import * as shopify from '../connectors/shopify-fixtures.js';
import { testLogger } from '../support/logger.js';
import { rejectionOf } from './support.js';

/** A token source that renews through the marketplace's real refresh call and counts the renewals. */
class RenewingTokens implements AccessTokenSource {
  readonly rejected: string[] = [];

  constructor(
    private tokens: TokenSet,
    private readonly refresh: (tokens: TokenSet) => Promise<TokenSet>,
  ) {}

  get current(): string {
    return this.tokens.accessToken;
  }

  getAccessToken(): Promise<string> {
    return Promise.resolve(this.tokens.accessToken);
  }

  async renewAfterUnauthorized(rejectedToken: string): Promise<string> {
    this.rejected.push(rejectedToken);
    this.tokens = await this.refresh(this.tokens);
    return this.tokens.accessToken;
  }
}

const policy = new ResiliencePolicy({ baseDelayMs: 0 });

describe('401 on a MercadoLibre call', () => {
  let sandbox: MercadoLibreSandbox;
  let config: MercadoLibreConfig;
  let userId: number;
  let itemId: string;

  beforeAll(async () => {
    sandbox = await startMercadoLibreSandbox({ apps: [mercadolibre.sandboxApp()], ratePerSecond: 1000, logger: testLogger() });
    config = mercadolibre.sandboxConfig(sandbox);
    const seeded = sandbox.seedSeller({ nickname: 'TIENDA_TOKEN', items: mercadolibre.footwearItems(1, 'TOK') });
    userId = seeded.userId;
    itemId = seeded.itemIds[0] ?? '';
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  async function expiredTokens(): Promise<TokenSet> {
    const { tokens } = await mercadolibre.connectSeller(sandbox, config, userId);
    sandbox.expireAccessTokens(userId);
    return tokens;
  }

  function clientFor(tokenSource: AccessTokenSource): MercadoLibreClient {
    return new MercadoLibreClient({ config, tokenSource, resilience: policy, logger: testLogger() });
  }

  it('renews once and retries once', async () => {
    const expired = await expiredTokens();
    const tokens = new RenewingTokens(expired, (current) => refreshToken(config, current.refreshToken ?? ''));
    const before = sandbox.requests.length;

    const listings = await fetchItem(clientFor(tokens), itemId);

    expect(listings.length).toBeGreaterThan(0);
    expect(tokens.rejected).toHaveLength(1);
    expect(tokens.rejected[0] === expired.accessToken).toBe(true);
    const calls = sandbox.requests.slice(before).filter((request) => request.path === `/items/${itemId}`);
    expect(calls.map((request) => request.status)).toEqual([401, 200]);
    expect(calls[1]?.headers.authorization === `Bearer ${tokens.current}`).toBe(true);
  });

  it('lets a second 401 stand', async () => {
    const expired = await expiredTokens();
    // A renewal that hands back a token the marketplace rejects as well.
    const tokens = new RenewingTokens(expired, async (current) => ({ ...current, accessToken: 'APP_USR-0000000000000000-000000-rejected' }));
    const before = sandbox.requests.length;

    const error = await rejectionOf(fetchItem(clientFor(tokens), itemId));

    expect(error).toBeInstanceOf(MarketplaceError);
    expect(error).toMatchObject({ kind: 'auth', status: 401 });
    expect(tokens.rejected).toHaveLength(1);
    expect(sandbox.requests.slice(before).filter((request) => request.path === `/items/${itemId}`)).toHaveLength(2);
  });

  it('sends once without a renewal hook', async () => {
    const expired = await expiredTokens();
    const before = sandbox.requests.length;

    const error = await rejectionOf(fetchItem(clientFor({ getAccessToken: async () => expired.accessToken }), itemId));

    expect(error).toMatchObject({ kind: 'auth', status: 401 });
    expect(sandbox.requests.slice(before).filter((request) => request.path === `/items/${itemId}`)).toHaveLength(1);
  });
});

describe('401 on a Shopify call', () => {
  const SHOP = 'zapateria-token.myshopify.com';
  let sandbox: ShopifySandbox;
  let config: ShopifyConfig;

  beforeAll(async () => {
    sandbox = await startShopifySandbox({ apps: [shopify.sandboxApp()], logger: testLogger() });
    config = shopify.sandboxConfig(sandbox);
    sandbox.seedShop({ shopDomain: SHOP, name: 'Zapatería Token', products: shopify.footwearProducts(1, 'TOK') });
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  it('renews once and retries once', async () => {
    const connected = await shopify.connectShop(sandbox, config, SHOP);
    sandbox.expireAccessTokens(SHOP);
    const tokens = new RenewingTokens(connected.tokens, (current) => refreshAccessToken(config, current.refreshToken ?? '', current.metadata));
    const client = new ShopifyGraphqlClient({ config, shopDomain: SHOP, tokenSource: tokens, resilience: policy, logger: testLogger() });
    const before = sandbox.requests.length;

    const data = await client.request({ name: 'ShopName', document: 'query ShopName { shop { name } }', data: z.object({ shop: z.object({ name: z.string() }) }) });

    expect(data.shop.name).toBe('Zapatería Token');
    expect(tokens.rejected).toHaveLength(1);
    expect(sandbox.requests.slice(before).filter((request) => request.path.endsWith('/graphql.json')).map((request) => request.status)).toEqual([401, 200]);
  });
});
