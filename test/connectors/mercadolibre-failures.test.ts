import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fetchItem, getItem, importPage, type MercadoLibreClient, type MercadoLibreErrorDetails } from '../../src/connectors/mercadolibre/index.js';
import { itemSchema } from '../../src/connectors/mercadolibre/schemas.js';
import { MarketplaceError, MarketplaceResponseShapeError } from '../../src/connectors/shared/index.js';
import { startMercadoLibreSandbox } from '../../src/sandbox/mercadolibre/index.js';
import type { MercadoLibreSandbox } from '../../src/sandbox/mercadolibre/types.js';
import { connectSeller, footwearItems, sandboxApp, sandboxConfig } from './mercadolibre-fixtures.js';
import { testLogger } from '../support/logger.js';

let sandbox: MercadoLibreSandbox;
let client: MercadoLibreClient;
let userId: number;
let itemIds: string[];
let foreignItemId: string;

beforeAll(async () => {
  sandbox = await startMercadoLibreSandbox({ apps: [sandboxApp()], ratePerSecond: 1000, logger: testLogger() });
  const config = sandboxConfig(sandbox);
  ({ userId, itemIds } = sandbox.seedSeller({ nickname: 'TIENDA_FALLAS', items: footwearItems(3, 'FALLA') }));
  [foreignItemId] = sandbox.seedSeller({ nickname: 'OTRA_TIENDA', items: footwearItems(1, 'OTRA') }).itemIds as [string];
  ({ client } = await connectSeller(sandbox, config, userId));
});

beforeEach(() => {
  sandbox.clearFaults();
  sandbox.setRatePerSecond(1000);
});

afterAll(async () => {
  await sandbox.close();
});

async function rejectionOf(promise: Promise<unknown>): Promise<MarketplaceError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(MarketplaceError);
  return error as MarketplaceError;
}

function firstItemId(): string {
  return itemIds[0] ?? '';
}

describe('MercadoLibre error mapping', () => {
  it('keeps the validation message and causes', async () => {
    const item = await getItem(client, firstItemId());
    const [first, second] = item.variations ?? [];
    // A variation without id, which MercadoLibre would delete and recreate.
    const body = { variations: [{ id: first?.id }, { available_quantity: second?.available_quantity }] };

    const error = await rejectionOf(client.put(`/items/${firstItemId()}`, body, itemSchema));

    expect(error.kind).toBe('invalid_input');
    expect(error.status).toBe(400);
    expect(error.code).toBe('validation_error');
    expect(error.marketplaceMessage).toBe('Variation without id would be recreated');
    expect(error.message).toContain('Variation without id would be recreated');
    const details = error.details as MercadoLibreErrorDetails;
    expect(details.cause.map((cause) => cause.code)).toContain('item.variations.id.missing');
    expect(sandbox.getItem(firstItemId())?.variations.map((variation) => variation.id)).toEqual([first?.id, second?.id]);
  });

  it('maps rate limiting to throttled', async () => {
    sandbox.setRatePerSecond(1);

    const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => fetchItem(client, firstItemId())));

    const throttled = outcomes
      .filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected')
      .map((outcome) => outcome.reason as MarketplaceError);
    // Six requests span at most two one-second windows, so at least four exceed a rate of 1/s.
    expect(throttled.length).toBeGreaterThanOrEqual(4);
    for (const error of throttled) {
      expect(error).toBeInstanceOf(MarketplaceError);
      expect(error.kind).toBe('throttled');
      expect(error.status).toBe(429);
      expect(error.code).toBe('local_rate_limited');
      expect(error.retryAfterSeconds).toBe(1);
      expect(error.retryable).toBe(true);
    }
  });

  it('maps 503 to transient', async () => {
    sandbox.injectFault({
      method: 'GET',
      path: `/items/${firstItemId()}`,
      status: 503,
      body: { message: 'Service unavailable', error: 'service_unavailable', status: 503, cause: [] },
    });

    const error = await rejectionOf(fetchItem(client, firstItemId()));

    expect(error.kind).toBe('transient');
    expect(error.status).toBe(503);
    expect(error.retryable).toBe(true);
    expect(error.marketplaceMessage).toBe('Service unavailable');
  });

  it('maps a missing item to not_found', async () => {
    const error = await rejectionOf(fetchItem(client, 'MLM9999999999'));

    expect(error.kind).toBe('not_found');
    expect(error.status).toBe(404);
  });

  it('maps another seller item to forbidden', async () => {
    const error = await rejectionOf(fetchItem(client, foreignItemId));

    expect(error.kind).toBe('auth');
    expect(error.code).toBe('forbidden');
    expect(error.status).toBe(403);
  });

  it('rejects an item of the wrong shape', async () => {
    const item = sandbox.getItem(firstItemId());
    const broken = { ...item, variations: [{ ...item?.variations[0], id: 'not-a-number' }] };
    sandbox.injectFault({ method: 'GET', path: `/items/${firstItemId()}`, status: 200, body: broken });

    const error = await rejectionOf(fetchItem(client, firstItemId()));

    expect(error).toBeInstanceOf(MarketplaceResponseShapeError);
    expect(error.kind).toBe('unknown');
    expect(error.code).toBe('unexpected_response');
    expect((error as MarketplaceResponseShapeError).fieldPath).toBe('variations[0].id');
    expect(error.message).toContain('"variations[0].id"');
  });

  it('rejects a multiget element of the wrong shape', async () => {
    const item = sandbox.getItem(firstItemId());
    const broken = [{ code: 200, body: { ...item, variations: [{ ...item?.variations[0], available_quantity: 'seven' }] } }];
    sandbox.injectFault({ method: 'GET', path: '/items', status: 200, body: broken });

    const error = await rejectionOf(importPage(client, String(userId), null, { pageSize: 1 }));

    expect(error).toBeInstanceOf(MarketplaceResponseShapeError);
    expect((error as MarketplaceResponseShapeError).fieldPath).toBe('[0].body.variations[0].available_quantity');
  });

  it('rejects a search page of the wrong shape', async () => {
    sandbox.injectFault({
      method: 'GET',
      path: `/users/${userId}/items/search`,
      status: 200,
      body: { seller_id: String(userId), results: itemIds, paging: { offset: 0, limit: 50 } },
    });

    const error = await rejectionOf(importPage(client, String(userId), null));

    expect(error).toBeInstanceOf(MarketplaceResponseShapeError);
    expect((error as MarketplaceResponseShapeError).fieldPath).toBe('paging.total');
    expect(sandbox.requests.at(-1)?.path).toBe(`/users/${userId}/items/search`);
  });
});
