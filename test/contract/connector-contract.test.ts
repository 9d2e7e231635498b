import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createPkcePair,
  MarketplaceError,
  MarketplaceResponseShapeError,
  type ConnectorSession,
  type ImportCheckpoint,
  type IncomingWebhook,
  type ParsedWebhook,
  type RemoteListing,
  type StockChange,
  type StockRef,
  type TokenSet,
} from '../../src/connectors/shared/index.js';
import { submitConsentPage } from './consent-page.js';
import { createDrivers, type MarketplaceDriver } from './drivers.js';
import { authorizationParams, contractCatalog, importPages, marketplaceErrorOf, readCallbackOf, SIZES } from './support.js';
import { testLogger } from '../support/logger.js';

/** 42 models in 3 sizes: 126 SKUs, several import pages at the drivers' page size of 10 products. */
const CATALOG = contractCatalog(42);
const SKU_COUNT = CATALOG.length * SIZES.length;
/** Upper bound on pages per import, so a connector that never returns a null checkpoint fails instead of looping. */
const MAX_PAGES = 50;
const logger = testLogger();

/** Seller SKU of one size of one catalog model. */
function skuOf(model: number, size = 0): string {
  const found = CATALOG[model]?.sizes[size]?.sku;
  if (found === undefined) throw new Error(`The contract catalog has no model ${model} size ${size}.`);
  return found;
}

function newState(): string {
  return randomBytes(16).toString('base64url');
}

/** Name of a case, with the reason when the marketplace cannot do it and the case is skipped. */
function caseName(name: string, skipReason: string | null): string {
  return skipReason === null ? name : `${name} (skipped: ${skipReason})`;
}

describe.each(createDrivers())('$name connector contract', (driver: MarketplaceDriver) => {
  const { capabilities } = driver;
  let tokens: TokenSet;
  let catalogListings: Promise<Map<string, RemoteListing>> | undefined;

  /** Issues a code the quick way (no consent page) and returns the exchangeCode input for it. */
  function issueCode(): { code: string; codeVerifier?: string; shopDomain?: string } {
    const connector = driver.connector();
    const pkce = connector.usesPkce ? createPkcePair() : undefined;
    const query = driver.issueCallback({ state: newState(), codeChallenge: pkce?.challenge });
    const callback = readCallbackOf(connector, query);
    if (!callback.ok) throw new Error(`${driver.name} rejected the issued callback: ${callback.reason} ${callback.detail ?? ''}`);
    return { code: callback.code, codeVerifier: pkce?.verifier, shopDomain: callback.shopDomain };
  }

  /** Authorizes the app for the seeded account with a code issued by the sandbox. */
  function connect(): Promise<TokenSet> {
    return driver.connector().exchangeCode(issueCode());
  }

  /**
   * Builds a session that reads the current tokens on every call, so reconnecting updates it.
   * `apiCalls.count` counts the connector's onApiCall reports.
   */
  function session(apiCalls: { count: number } = { count: 0 }): ConnectorSession {
    return {
      accountId: tokens.accountId,
      metadata: tokens.metadata,
      tokens: { getAccessToken: async () => tokens.accessToken },
      logger,
      onApiCall: () => {
        apiCalls.count += 1;
      },
    };
  }

  /** Imports the catalog once per marketplace and returns its listings by seller SKU. */
  function listingsBySku(): Promise<Map<string, RemoteListing>> {
    catalogListings ??= importPages(driver.connector(), session(), null, MAX_PAGES).then((run) => new Map(run.listings.map((listing) => [listing.sellerSku ?? '', listing])));
    return catalogListings;
  }

  async function listingOf(sku: string): Promise<RemoteListing> {
    const listing = (await listingsBySku()).get(sku);
    if (!listing) throw new Error(`${driver.name} import returned no listing for SKU ${sku}.`);
    return listing;
  }

  async function stockRefOf(sku: string): Promise<StockRef> {
    const listing = await listingOf(sku);
    return { externalId: listing.externalId, externalVariantId: listing.externalVariantId };
  }

  function parse(webhook: IncomingWebhook): ParsedWebhook {
    return driver.connector().parseWebhook(webhook);
  }

  function hasTopic(topic: string): (webhook: IncomingWebhook) => boolean {
    return (webhook) => {
      const parsed = parse(webhook);
      return parsed.ok && parsed.topic === topic;
    };
  }

  function verified(webhook: IncomingWebhook | undefined): Extract<ParsedWebhook, { ok: true }> {
    if (!webhook) throw new Error(`${driver.name} sandbox delivered no matching webhook.`);
    const parsed = parse(webhook);
    if (!parsed.ok) throw new Error(`${driver.name} webhook rejected: ${parsed.reason}`);
    return parsed;
  }

  /** Checks that metadata survives a JSON round trip and contains none of the token set's or app's secrets. */
  function expectSafeMetadata(tokenSet: TokenSet, otherSecrets: ReadonlyArray<string | undefined>): void {
    const metadata = tokenSet.metadata ?? {};
    expect(JSON.parse(JSON.stringify(metadata))).toStrictEqual(metadata);
    const metadataText = JSON.stringify(metadata);
    for (const secret of [tokenSet.accessToken, tokenSet.refreshToken, ...driver.appSecrets, ...otherSecrets]) {
      if (secret) expect(metadataText).not.toContain(secret);
    }
  }

  /** Checks that an error's texts contain neither the current tokens nor the app's secrets. */
  function expectNoSecretsIn(error: MarketplaceError): void {
    const texts = `${error.message}\n${error.marketplaceMessage ?? ''}`;
    for (const secret of [tokens.accessToken, tokens.refreshToken, ...driver.appSecrets]) {
      if (secret) expect(texts).not.toContain(secret);
    }
  }

  /** Sells `quantity` of a SKU and returns the order id with the order webhooks delivered for it. */
  async function orderWebhooks(sku: string, quantity: number, options: { failFirstDelivery: boolean }): Promise<{ orderId: string; deliveries: IncomingWebhook[] }> {
    const mark = driver.webhooks.mark();
    if (options.failFirstDelivery) driver.webhooks.failNext(hasTopic(driver.orderTopic));
    const orderId = driver.createOrder(sku, quantity);
    await driver.flushWebhooks();
    return { orderId, deliveries: driver.webhooks.since(mark).filter(hasTopic(driver.orderTopic)) };
  }

  beforeAll(async () => {
    await driver.start();
    driver.seed(CATALOG);
    tokens = await connect();
  });

  afterEach(() => {
    driver.resetFaults();
  });

  afterAll(async () => {
    await driver.close();
  });

  describe('authorization', () => {
    it('builds the authorization URL', () => {
      const connector = driver.connector();
      const state = newState();
      const pkce = createPkcePair();

      const url = connector.authorizationUrl({ state, codeChallenge: connector.usesPkce ? pkce.challenge : undefined, shopDomain: driver.shopDomain() });

      const params = authorizationParams(url);
      expect(params.get('state')).toBe(state);
      if (connector.usesPkce) {
        expect(params.get('code_challenge')).toBe(pkce.challenge);
        expect(params.get('code_challenge_method')).toBe('S256');
      } else {
        expect(params.has('code_challenge')).toBe(false);
      }
      const shopDomain = driver.shopDomain();
      if (shopDomain !== undefined) expect(url).toContain(shopDomain);
    });

    it('exchanges the code from the consent page', async () => {
      const connector = driver.connector();
      const state = newState();
      const pkce = connector.usesPkce ? createPkcePair() : undefined;
      const url = connector.authorizationUrl({ state, codeChallenge: pkce?.challenge, shopDomain: driver.shopDomain() });

      const { redirect, query } = await submitConsentPage(url, driver.consentSelection(), 'allow');
      const callback = readCallbackOf(connector, query);

      expect(`${redirect.origin}${redirect.pathname}`).toBe(connector.redirectUri);
      expect(query.state).toBe(state);
      expect(callback.ok).toBe(true);
      if (!callback.ok) return;
      expect(callback.code).not.toBe('');
      if (driver.shopDomain() !== undefined) expect(callback.shopDomain).toBe(driver.shopDomain());

      const exchanged = await connector.exchangeCode({ code: callback.code, codeVerifier: pkce?.verifier, shopDomain: callback.shopDomain });
      expect(exchanged.accountId).toBe(driver.accountId());
      expect(exchanged.accessToken).toMatch(driver.accessTokenPattern);
      if (exchanged.expiresAt !== null) expect(exchanged.expiresAt.getTime()).toBeGreaterThan(Date.now());
      expectSafeMetadata(exchanged, [callback.code, pkce?.verifier]);
      tokens = exchanged;
    });

    it('reports a denied consent', async () => {
      const connector = driver.connector();
      const state = newState();
      const url = connector.authorizationUrl({ state, codeChallenge: connector.usesPkce ? createPkcePair().challenge : undefined, shopDomain: driver.shopDomain() });

      const { query } = await submitConsentPage(url, driver.consentSelection(), 'deny');

      expect(query.state).toBe(state);
      expect(readCallbackOf(connector, query)).toMatchObject({ ok: false, reason: 'access_denied' });
    });

    it('rejects a reused code as auth', async () => {
      const connector = driver.connector();
      const input = issueCode();
      tokens = await connector.exchangeCode(input);

      const error = await marketplaceErrorOf(connector.exchangeCode(input));

      expect(error.kind).toBe('auth');
      expect(error.message).not.toContain(input.code);
      expectNoSecretsIn(error);
    });

    it.skipIf(!capabilities.signedCallback)(
      caseName('rejects a tampered callback', capabilities.signedCallback ? null : 'the redirect is unsigned, so only the state protects it'),
      () => {
        const connector = driver.connector();
        const query = driver.issueCallback({ state: newState() });
        expect(readCallbackOf(connector, query).ok).toBe(true);
        const signedParameters = Object.keys(query).filter((name) => name !== 'hmac' && name !== 'signature');
        expect(signedParameters.length).toBeGreaterThan(0);

        // Every parameter is covered by the signature, so changing any one of them must fail the check.
        for (const name of signedParameters) {
          const tampered = readCallbackOf(connector, { ...query, [name]: `${query[name] ?? ''}0` });
          expect(tampered, `callback with a changed ${name}`).toMatchObject({ ok: false, reason: 'signature_invalid' });
        }
      },
    );

    it.skipIf(!capabilities.refreshTokens)(
      caseName('rotates tokens on refresh', capabilities.refreshTokens ? null : 'keys last until the seller removes the authorization'),
      async () => {
        const connector = driver.connector();
        const before = tokens;
        expect(before.refreshToken).not.toBeNull();
        driver.expireTokens();

        const refreshed = await connector.refreshTokens(before.refreshToken ?? '', before.metadata);

        expect(refreshed.accessToken).toMatch(driver.accessTokenPattern);
        expect(refreshed.accessToken).not.toBe(before.accessToken);
        expect(refreshed.refreshToken).not.toBeNull();
        expect(refreshed.refreshToken).not.toBe(before.refreshToken);
        expect(refreshed.accountId).toBe(before.accountId);
        expectSafeMetadata(refreshed, [before.refreshToken ?? undefined]);
        tokens = refreshed;
        const page = await connector.importListings(session(), null);
        expect(page.listings.length).toBeGreaterThan(0);
      },
    );

    it.skipIf(capabilities.refreshTokens)(
      caseName('asks to reauthorize on refresh', capabilities.refreshTokens ? 'the marketplace refreshes tokens' : null),
      async () => {
        const error = await marketplaceErrorOf(driver.connector().refreshTokens(tokens.refreshToken ?? '', tokens.metadata));

        expect(error.kind).toBe('auth');
        expect(error.code).toBe('reauthorize');
      },
    );
  });

  describe('importListings', () => {
    it('reads every SKU once to a null checkpoint', async () => {
      const apiCalls = { count: 0 };
      const requestsBefore = driver.requestCount();

      const run = await importPages(driver.connector(), session(apiCalls), null, MAX_PAGES);

      expect(apiCalls.count).toBe(driver.requestCount() - requestsBefore);

      expect(run.checkpoints.at(-1)).toBeNull();
      expect(run.checkpoints.length).toBeGreaterThanOrEqual(3);
      expect(run.listings).toHaveLength(SKU_COUNT);
      const bySku = new Map(run.listings.map((listing) => [listing.sellerSku, listing]));
      expect(bySku.size).toBe(SKU_COUNT);
      for (const model of CATALOG) {
        for (const size of model.sizes) {
          const listing = bySku.get(size.sku);
          expect(listing, `listing of ${size.sku}`).toBeDefined();
          expect(listing?.marketplace).toBe(driver.marketplace);
          expect(listing?.size, `size of ${size.sku}`).toBe(size.size);
          expect(listing?.availableQuantity, `stock of ${size.sku}`).toBe(driver.readStock(size.sku));
          expect(listing?.externalVariantId, `variant id of ${size.sku}`).not.toBeNull();
          expect(listing?.title).toBe(model.title);
          expect(listing?.color).toBe(model.color);
          expect(listing?.price).toBe(model.price);
          expect(listing?.currency).toBe('MXN');
          expect(listing?.updatedAt === null || Number.isFinite(listing?.updatedAt?.getTime())).toBe(true);
        }
      }
    });

    it('rejects a foreign checkpoint', async () => {
      const error = await marketplaceErrorOf(driver.connector().importListings(session(), { cursor: 'written-by-another-connector' }));

      expect(error.kind).toBe('invalid_input');
    });

    it('resumes from a JSON checkpoint', async () => {
      const connector = driver.connector();
      const firstPages = await importPages(connector, session(), null, 2);
      const checkpoint = firstPages.checkpoints.at(-1) ?? null;
      expect(checkpoint).not.toBeNull();

      const stored = JSON.parse(JSON.stringify(checkpoint)) as ImportCheckpoint;
      const rest = await importPages(connector, session(), stored, MAX_PAGES);

      expect(rest.checkpoints.at(-1)).toBeNull();
      const skus = [...firstPages.listings, ...rest.listings].map((listing) => listing.sellerSku);
      expect(firstPages.listings.length).toBeGreaterThan(0);
      expect(rest.listings.length).toBeGreaterThan(0);
      expect(skus).toHaveLength(SKU_COUNT);
      expect(new Set(skus).size).toBe(SKU_COUNT);
    });
  });

  describe('writeStock', () => {
    it('sets absolute quantities', async () => {
      const skus = [skuOf(0), skuOf(1), skuOf(2, 2)];
      const changes: StockChange[] = [];
      for (const [index, sku] of skus.entries()) {
        const listing = await listingOf(sku);
        changes.push({ externalId: listing.externalId, externalVariantId: listing.externalVariantId, quantity: driver.readStock(sku) + 10 + index });
      }

      const result = await driver.connector().writeStock(session(), changes);

      expect(result.failed).toEqual([]);
      expect(result.applied).toHaveLength(changes.length);
      expect(result.applied).toEqual(expect.arrayContaining(changes));
      for (const [index, sku] of skus.entries()) {
        expect(driver.readStock(sku), `stock of ${sku}`).toBe(changes[index]?.quantity);
      }
    });

    it('fails a rejected change alone', async () => {
      const rejectedSku = skuOf(3);
      const acceptedSkus = [skuOf(4), skuOf(5)];
      const rejectedStock = driver.readStock(rejectedSku);
      const rejected = driver.rejectStockChange(await listingOf(rejectedSku), rejectedStock + 7);
      const accepted: StockChange[] = [];
      for (const sku of acceptedSkus) {
        const listing = await listingOf(sku);
        accepted.push({ externalId: listing.externalId, externalVariantId: listing.externalVariantId, quantity: driver.readStock(sku) + 20 });
      }

      const result = await driver.connector().writeStock(session(), [rejected, ...accepted]);

      expect(result.failed.map((failure) => failure.change)).toEqual([rejected]);
      expect(result.failed[0]?.error).toBeInstanceOf(MarketplaceError);
      expect(result.failed[0]?.error.retryable).toBe(false);
      expect(result.applied).toHaveLength(accepted.length);
      expect(result.applied).toEqual(expect.arrayContaining(accepted));
      expect(driver.readStock(rejectedSku)).toBe(rejectedStock);
      for (const [index, sku] of acceptedSkus.entries()) {
        expect(driver.readStock(sku), `stock of ${sku}`).toBe(accepted[index]?.quantity);
      }
    });

    it('sends nothing for no changes', async () => {
      const requestsBefore = driver.requestCount();

      const result = await driver.connector().writeStock(session(), []);

      expect(result).toEqual({ applied: [], failed: [] });
      expect(driver.requestCount()).toBe(requestsBefore);
    });

    it('sends the last of repeated changes', async () => {
      const sku = skuOf(9);
      const listing = await listingOf(sku);
      const first: StockChange = { externalId: listing.externalId, externalVariantId: listing.externalVariantId, quantity: driver.readStock(sku) + 3 };
      const last: StockChange = { ...first, quantity: 0 };

      const result = await driver.connector().writeStock(session(), [first, last]);

      expect(result.failed).toEqual([]);
      expect(result.applied).toHaveLength(2);
      expect(driver.readStock(sku)).toBe(0);
    });

    it('rejects a negative quantity before sending', async () => {
      const [badSku, goodSku] = [skuOf(10), skuOf(11)];
      const [bad, good] = [await listingOf(badSku), await listingOf(goodSku)];
      const badStock = driver.readStock(badSku);
      const negative: StockChange = { externalId: bad.externalId, externalVariantId: bad.externalVariantId, quantity: -1 };
      const valid: StockChange = { externalId: good.externalId, externalVariantId: good.externalVariantId, quantity: driver.readStock(goodSku) + 4 };

      const result = await driver.connector().writeStock(session(), [negative, valid]);

      expect(result.failed.map((failure) => [failure.change, failure.error.kind])).toEqual([[negative, 'invalid_input']]);
      expect(result.applied).toEqual([valid]);
      expect(driver.readStock(badSku)).toBe(badStock);
      expect(driver.readStock(goodSku)).toBe(valid.quantity);
    });
  });

  describe('readStock', () => {
    it('reads the levels the sandbox holds', async () => {
      const skus = [skuOf(16), skuOf(17, 1), skuOf(18, 2)];
      const refs: StockRef[] = [];
      for (const sku of skus) refs.push(await stockRefOf(sku));
      const written: StockChange[] = refs.slice(0, 2).map((ref, index) => ({ ...ref, quantity: driver.readStock(skus[index] ?? '') + 5 + index }));
      const writeResult = await driver.connector().writeStock(session(), written);
      expect(writeResult.failed).toEqual([]);
      const apiCalls = { count: 0 };
      const requestsBefore = driver.requestCount();

      const result = await driver.connector().readStock(session(apiCalls), [...refs, refs[0] as StockRef]);

      expect(apiCalls.count).toBe(driver.requestCount() - requestsBefore);
      expect(result.missing).toEqual([]);
      expect(result.levels).toEqual(refs.map((ref, index) => ({ ...ref, quantity: driver.readStock(skus[index] ?? '') })));
      expect(result.levels.slice(0, 2).map((level) => level.quantity)).toEqual(written.map((change) => change.quantity));
    });

    it('reports unknown refs as missing', async () => {
      const sku = skuOf(19);
      const known = await stockRefOf(sku);
      const unknown = driver.unknownStockRefs(await listingOf(sku));

      const result = await driver.connector().readStock(session(), [...unknown, known]);

      expect(result.levels).toEqual([{ ...known, quantity: driver.readStock(sku) }]);
      expect(result.missing).toHaveLength(unknown.length);
      expect(result.missing).toEqual(expect.arrayContaining(unknown));
    });

    it('sends nothing for no refs', async () => {
      const requestsBefore = driver.requestCount();

      const result = await driver.connector().readStock(session(), []);

      expect(result).toEqual({ levels: [], missing: [] });
      expect(driver.requestCount()).toBe(requestsBefore);
    });

    it('reads more than one batch completely', async () => {
      const skus = CATALOG.flatMap((model) => model.sizes.map((size) => size.sku));
      const refs: StockRef[] = [];
      for (const sku of skus) refs.push(await stockRefOf(sku));
      const requestsBefore = driver.requestCount();

      const result = await driver.connector().readStock(session(), refs);

      expect(result.missing).toEqual([]);
      expect(result.levels).toHaveLength(SKU_COUNT);
      for (const [index, sku] of skus.entries()) {
        expect(result.levels[index], `level of ${sku}`).toEqual({ ...refs[index], quantity: driver.readStock(sku) });
      }
      const batchSizes = driver.stockReadRequestSizes(requestsBefore);
      expect(batchSizes.length).toBeGreaterThanOrEqual(2);
      expect(Math.max(...batchSizes)).toBe(driver.stockReadBatchSize);
      expect(driver.requestCount() - requestsBefore).toBe(batchSizes.length);
    });
  });

  describe('error classification', () => {
    it.each([
      ['an expired', () => driver.expireTokens()],
      ['a revoked', () => driver.revokeAuthorization()],
    ])('classifies %s token as auth', async (_problem, makeTokenInvalid) => {
      const listing = await listingOf(skuOf(12));
      const change: StockChange = { externalId: listing.externalId, externalVariantId: listing.externalVariantId, quantity: 5 };
      makeTokenInvalid();

      const error = await marketplaceErrorOf(driver.connector().importListings(session(), null));

      expect(error.kind).toBe('auth');
      expect(error.marketplace).toBe(driver.marketplace);
      expect(error.retryable).toBe(false);
      expectNoSecretsIn(error);
      const written = await driver.connector().writeStock(session(), [change]);
      expect(written.applied).toEqual([]);
      expect(written.failed.map((failure) => failure.error.kind)).toEqual(['auth']);
      tokens = await connect();
    });

    it('classifies a rate limit as throttled', async () => {
      driver.forceThrottle();

      const error = await marketplaceErrorOf(driver.connector().importListings(session(), null));

      expect(error.kind).toBe('throttled');
      expect(error.marketplace).toBe(driver.marketplace);
      expect(error.retryable).toBe(true);
      expectNoSecretsIn(error);
    });

    it('stops writing stock after a throttled call', async () => {
      const skus = [skuOf(14), skuOf(15)];
      const changes: StockChange[] = [];
      for (const sku of skus) {
        const listing = await listingOf(sku);
        changes.push({ externalId: listing.externalId, externalVariantId: listing.externalVariantId, quantity: driver.readStock(sku) + 6 });
      }
      const stockBefore = skus.map((sku) => driver.readStock(sku));
      driver.forceThrottle();

      const result = await driver.connector().writeStock(session(), changes);

      expect(result.applied).toEqual([]);
      expect(result.failed.map((failure) => failure.change)).toEqual(expect.arrayContaining(changes));
      expect(result.failed.map((failure) => failure.error.kind)).toEqual(['throttled', 'throttled']);
      expect(skus.map((sku) => driver.readStock(sku))).toEqual(stockBefore);
    });

    it('classifies a 503 as transient', async () => {
      driver.injectStatus(503);

      const error = await marketplaceErrorOf(driver.connector().importListings(session(), null));

      expect(error.kind).toBe('transient');
      expect(error.status).toBe(503);
      expect(error.retryable).toBe(true);
      expectNoSecretsIn(error);
      const retried = await driver.connector().importListings(session(), null);
      expect(retried.listings.length).toBeGreaterThan(0);
    });

    it('names the field of a malformed response', async () => {
      const fieldPath = driver.injectMalformedImport();

      const error = await marketplaceErrorOf(driver.connector().importListings(session(), null));

      expect(error).toBeInstanceOf(MarketplaceResponseShapeError);
      expect((error as MarketplaceResponseShapeError).fieldPath).toBe(fieldPath);
      expect(error.message).toContain(`"${fieldPath}"`);
      expect(error.code).toBe('unexpected_response');
      expectNoSecretsIn(error);
    });
    it('names the field of a malformed stock read', async () => {
      const sku = skuOf(20);
      const listing = await listingOf(sku);
      const fieldPath = driver.injectMalformedStockRead(listing);

      const error = await marketplaceErrorOf(driver.connector().readStock(session(), [await stockRefOf(sku)]));

      expect(error).toBeInstanceOf(MarketplaceResponseShapeError);
      expect((error as MarketplaceResponseShapeError).fieldPath).toBe(fieldPath);
      expect(error.message).toContain(`"${fieldPath}"`);
      expect(error.code).toBe('unexpected_response');
      expectNoSecretsIn(error);
    });
  });

  describe('webhooks', () => {
    it('verifies an order webhook and its redelivery', async () => {
      const sku = skuOf(6, 1);
      const listing = await listingOf(sku);
      const stockBefore = driver.readStock(sku);

      const { orderId, deliveries } = await orderWebhooks(sku, 2, { failFirstDelivery: true });

      // The receiver failed the first delivery, so the sandbox delivered the same notification again
      // (more than once if a slow response also counted as failed).
      expect(deliveries.length).toBeGreaterThanOrEqual(2);
      const [first, ...redeliveries] = deliveries.map((delivery) => verified(delivery));
      expect(first?.accountId).toBe(tokens.accountId);
      expect(first?.verification).toBe(capabilities.signedWebhooks ? 'verified' : 'unsigned');
      expect(first?.dedupeKey).not.toBe('');
      for (const redelivered of redeliveries) expect(redelivered.dedupeKey).toBe(first?.dedupeKey);
      expect(driver.readStock(sku)).toBe(stockBefore - 2);

      const apiCalls = { count: 0 };
      const requestsBefore = driver.requestCount();
      const resource = await driver.connector().fetchWebhookResource(session(apiCalls), verified(deliveries[0]));

      expect(apiCalls.count).toBe(driver.requestCount() - requestsBefore);

      expect(resource.kind).toBe('order');
      if (resource.kind !== 'order') return;
      expect(resource.order.externalId).toBe(orderId);
      expect(resource.order.status).not.toBe('');
      expect(Number.isNaN(resource.order.createdAt.getTime())).toBe(false);
      expect(resource.order.lines).toEqual([{ externalId: listing.externalId, externalVariantId: listing.externalVariantId, sellerSku: sku, quantity: 2 }]);
    });

    it.skipIf(!capabilities.signedWebhooks)(
      caseName('rejects a tampered webhook body', capabilities.signedWebhooks ? null : 'webhooks are unsigned, so the resource is fetched with the token'),
      async () => {
        const { deliveries } = await orderWebhooks(skuOf(7), 1, { failFirstDelivery: false });
        const [genuine] = deliveries;
        if (!genuine) throw new Error(`${driver.name} sandbox delivered no order webhook.`);
        const tamperedBody = driver.tamperWebhookBody(genuine.rawBody);
        expect(tamperedBody).not.toBe(genuine.rawBody);

        const parsed = parse({ headers: genuine.headers, rawBody: tamperedBody });

        expect(parsed.ok).toBe(false);
        expect(parsed.ok ? '' : parsed.reason).not.toBe('');
      },
    );

    it('gives two orders distinct dedupe keys', async () => {
      const sku = skuOf(13);
      const first = await orderWebhooks(sku, 1, { failFirstDelivery: false });
      const second = await orderWebhooks(sku, 1, { failFirstDelivery: false });

      expect(first.deliveries.length).toBeGreaterThanOrEqual(1);
      expect(second.deliveries.length).toBeGreaterThanOrEqual(1);
      expect(verified(second.deliveries[0]).dedupeKey).not.toBe(verified(first.deliveries[0]).dedupeKey);
    });

    it('rejects an unreadable body without throwing', () => {
      const parsed = parse({ headers: { 'content-type': 'application/json' }, rawBody: 'not json' });

      expect(parsed.ok).toBe(false);
    });

    it('fetches the listing after a manual stock edit', async () => {
      const sku = skuOf(8, 2);
      const mark = driver.webhooks.mark();

      driver.setStockManually(sku, 17);
      await driver.flushWebhooks();

      const [delivery] = driver.webhooks.since(mark).filter(hasTopic(driver.stockEditTopic));
      const parsed = verified(delivery);
      expect(parsed.accountId).toBe(tokens.accountId);
      const resource = await driver.connector().fetchWebhookResource(session(), parsed);
      expect(resource.kind).toBe('listings');
      const listing = resource.kind === 'listings' ? resource.listings.find((candidate) => candidate.sellerSku === sku) : undefined;
      expect(listing?.availableQuantity).toBe(17);
    });
  });
});
