import { createServer } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import type { SeededShop, ShopifySandbox } from '../../src/sandbox/shopify/index.js';
import { CLIENT_ID, CLIENT_SECRET, graphql, install, REDIRECT_URI, SHOP, shoes, startTestSandbox } from './shopify-helpers.js';

let sandbox: ShopifySandbox;
let seeded: SeededShop;
let token: string;

const SET_QUANTITIES = (directive: string) => `mutation Set($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) ${directive} {
    inventoryAdjustmentGroup { id reason referenceDocumentUri changes { name delta quantityAfterChange } }
    userErrors { code field message }
  }
}`;

beforeAll(async () => {
  sandbox = await startTestSandbox({ bulkOperationDelayMs: 20 });
  seeded = sandbox.seedShop({ shopDomain: SHOP, products: shoes(3, 'GQL') });
  token = (await install(sandbox)).access_token;
});

afterEach(() => {
  sandbox.setThrottle({});
  sandbox.setBucketAvailable(SHOP, CLIENT_ID, 2000);
});

afterAll(async () => {
  await sandbox.close();
});

function item(productIndex: number, variantIndex: number): string {
  return seeded.products[productIndex]?.inventoryItemIds[variantIndex] ?? '';
}

function variant(productIndex: number, variantIndex: number): string {
  return seeded.products[productIndex]?.variantIds[variantIndex] ?? '';
}

function quantityInput(productIndex: number, variantIndex: number, quantity: number, changeFromQuantity?: number | null): Record<string, unknown> {
  const input: Record<string, unknown> = { inventoryItemId: item(productIndex, variantIndex), locationId: seeded.locationIds[0], quantity };
  if (changeFromQuantity !== undefined) input.changeFromQuantity = changeFromQuantity;
  return input;
}

function setInput(quantities: Array<Record<string, unknown>>): Record<string, unknown> {
  return { input: { name: 'available', reason: 'correction', referenceDocumentUri: 'gid://egdc/Test/1', quantities } };
}

describe('query cost', () => {
  test('charges connections by first and refunds unused', async () => {
    const answer = await graphql(sandbox, token, '{ products(first: 10) { pageInfo { hasNextPage } nodes { id title } } }');

    expect(answer.status).toBe(200);
    expect(answer.body.extensions?.cost).toMatchObject({ requestedQueryCost: 12, actualQueryCost: 5 });
    expect(answer.body.extensions?.cost.throttleStatus).toEqual({ maximumAvailable: 2000, currentlyAvailable: expect.any(Number), restoreRate: 100 });
    expect(answer.body.extensions?.cost.throttleStatus.currentlyAvailable).toBeGreaterThanOrEqual(1995);
  });

  test('prices nested connections and objects', async () => {
    const query = `{
      products(first: 5) { edges { node { id variants(first: 10) { nodes { id inventoryItem { id } } } } } }
    }`;

    const answer = await graphql(sandbox, token, query);

    // 2 + 5 x (1 + 2 + 10 x (1 + 1)) = 117; actually 3 products with 3 variants: 2 + 3 x (1 + 2 + 3 x 2) = 29.
    expect(answer.body.extensions?.cost).toMatchObject({ requestedQueryCost: 117, actualQueryCost: 29 });
  });

  test('charges a mutation 10', async () => {
    const answer = await graphql(sandbox, token, SET_QUANTITIES('@idempotent(key: "cost-1")'), setInput([quantityInput(2, 2, 4, 4)]));

    expect(answer.body.extensions?.cost).toMatchObject({ requestedQueryCost: 10, actualQueryCost: 10 });
  });

  test('refuses a query over 1000 points', async () => {
    const answer = await graphql(sandbox, token, '{ products(first: 250) { nodes { variants(first: 10) { nodes { id } } } } }');

    expect(answer.status).toBe(200);
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'MAX_COST_EXCEEDED', cost: 3252, maxCost: 1000 });
  });

  test('throttles with HTTP 200 when the bucket is short', async () => {
    sandbox.setBucketAvailable(SHOP, CLIENT_ID, 100);

    const throttled = await graphql(sandbox, token, '{ products(first: 250) { nodes { id } } }');
    const cheap = await graphql(sandbox, token, '{ products(first: 10) { nodes { id } } }');

    expect(throttled.status).toBe(200);
    expect(throttled.body.data).toBeUndefined();
    expect(throttled.body.errors).toEqual([{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }]);
    expect(throttled.body.extensions?.cost.requestedQueryCost).toBe(252);
    expect(throttled.body.extensions?.cost.actualQueryCost).toBeNull();
    expect(throttled.body.extensions?.cost.throttleStatus.currentlyAvailable).toBeGreaterThanOrEqual(100);
    expect(throttled.body.extensions?.cost.throttleStatus.currentlyAvailable).toBeLessThan(252);
    expect(cheap.body.errors).toBeUndefined();
  });

  test('sizes the bucket by plan', async () => {
    const local = await startTestSandbox();
    try {
      local.seedShop({ shopDomain: SHOP, plan: 'advanced', products: [] });
      const answer = await graphql(local, (await install(local)).access_token, '{ shop { name } }');
      expect(answer.body.extensions?.cost.throttleStatus).toMatchObject({ restoreRate: 200, maximumAvailable: 4000 });
    } finally {
      await local.close();
    }
  });

  test('restores the bucket over time', async () => {
    sandbox.setThrottle({ restoreRate: 1000 });
    sandbox.setBucketAvailable(SHOP, CLIENT_ID, 0);

    await vi.waitFor(
      async () => {
        const answer = await graphql(sandbox, token, '{ products(first: 100) { nodes { id } } }');
        expect(answer.body.errors).toBeUndefined();
      },
      { interval: 50, timeout: 2000 },
    );
  });
});

describe('inventorySetQuantities', () => {
  test('requires @idempotent from 2026-04', async () => {
    const answer = await graphql(sandbox, token, SET_QUANTITIES(''), setInput([quantityInput(0, 0, 9, 4)]));

    expect(answer.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(answer.body.errors?.[0]?.message).toMatch(/@idempotent directive is required/);
    expect(sandbox.getAvailable(variant(0, 0))).toBe(4);
  });

  test('requires changeFromQuantity from 2026-04', async () => {
    const answer = await graphql(sandbox, token, SET_QUANTITIES('@idempotent(key: "no-change-from")'), setInput([quantityInput(0, 0, 9)]));

    expect(answer.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(answer.body.errors?.[0]?.message).toMatch(/changeFromQuantity is required/);
    expect(sandbox.getAvailable(variant(0, 0))).toBe(4);
  });

  test('accepts both left out on 2026-01', async () => {
    const answer = await graphql(sandbox, token, SET_QUANTITIES(''), setInput([quantityInput(0, 1, 6)]), { version: '2026-01' });

    expect(answer.body.data?.inventorySetQuantities).toMatchObject({ userErrors: [], inventoryAdjustmentGroup: { changes: [{ name: 'available', delta: 2, quantityAfterChange: 6 }] } });
    expect(answer.headers.get('x-shopify-api-version')).toBe('2026-01');
  });

  test('opts out of the check with null', async () => {
    const answer = await graphql(sandbox, token, SET_QUANTITIES('@idempotent(key: "null-change-from")'), setInput([quantityInput(0, 2, 1, null)]));

    expect(answer.body.data?.inventorySetQuantities).toMatchObject({ userErrors: [] });
    expect(sandbox.getAvailable(variant(0, 2))).toBe(1);
  });

  test('applies all or nothing', async () => {
    const answer = await graphql(
      sandbox,
      token,
      SET_QUANTITIES('@idempotent(key: "stale-1")'),
      setInput([quantityInput(1, 0, 8, 4), quantityInput(1, 1, 8, 3), quantityInput(1, 2, -1, 4)]),
    );

    expect(answer.body.data?.inventorySetQuantities).toEqual({
      inventoryAdjustmentGroup: null,
      userErrors: [
        { code: 'CHANGE_FROM_QUANTITY_STALE', field: ['input', 'quantities', '1', 'changeFromQuantity'], message: 'The changeFromQuantity value does not match persisted value.' },
        { code: 'INVALID_QUANTITY_NEGATIVE', field: ['input', 'quantities', '2', 'quantity'], message: "The quantity can't be negative." },
      ],
    });
    expect([0, 1, 2].map((index) => sandbox.getAvailable(variant(1, index)))).toEqual([4, 4, 4]);
  });

  test('replays a repeated key without applying twice', async () => {
    const variables = setInput([quantityInput(2, 0, 10, 4)]);
    const first = await graphql(sandbox, token, SET_QUANTITIES('@idempotent(key: "replay-1")'), variables);
    const second = await graphql(sandbox, token, SET_QUANTITIES('@idempotent(key: "replay-1")'), variables);

    expect(second.body.data).toEqual(first.body.data);
    expect(sandbox.inventoryChanges.filter((change) => change.idempotencyKey === 'replay-1')).toHaveLength(1);
    expect(sandbox.getAvailable(variant(2, 0))).toBe(10);
  });

  test('rejects a key reused with other parameters', async () => {
    await graphql(sandbox, token, SET_QUANTITIES('@idempotent(key: "reuse-1")'), setInput([quantityInput(2, 1, 7, 4)]));

    const answer = await graphql(sandbox, token, SET_QUANTITIES('@idempotent(key: "reuse-1")'), setInput([quantityInput(2, 1, 8, 7)]));

    expect(answer.body.data?.inventorySetQuantities).toMatchObject({ userErrors: [{ code: 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH' }] });
    expect(sandbox.getAvailable(variant(2, 1))).toBe(7);
  });

  test('rejects a key whose attempt failed', async () => {
    const variables = setInput([quantityInput(2, 2, 9, 99)]);
    await graphql(sandbox, token, SET_QUANTITIES('@idempotent(key: "failed-1")'), variables);

    const answer = await graphql(sandbox, token, SET_QUANTITIES('@idempotent(key: "failed-1")'), variables);

    expect(answer.body.data?.inventorySetQuantities).toMatchObject({ userErrors: [{ code: 'IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED' }] });
  });

  test('needs write_inventory', async () => {
    const readOnly = await install(sandbox, SHOP, { scopes: ['read_products', 'read_inventory'] });

    const answer = await graphql(sandbox, readOnly.access_token, SET_QUANTITIES('@idempotent(key: "scope-1")'), setInput([quantityInput(0, 0, 1, 4)]));

    expect(answer.body.errors?.[0]).toMatchObject({ extensions: { code: 'ACCESS_DENIED' } });
    expect(answer.body.errors?.[0]?.message).toContain('`write_inventory`');
  });
});

describe('inventory reads', () => {
  test('lists levels per location', async () => {
    const local = await startTestSandbox();
    try {
      const shop = local.seedShop({ shopDomain: SHOP, locations: ['Bodega', 'Sucursal'], products: shoes(1, 'LOC', ['24']) });
      const localToken = (await install(local)).access_token;
      const [primary, branch] = shop.locationIds;
      const variantId = shop.products[0]?.variantIds[0] ?? '';
      local.setAvailable(variantId, 6, branch);
      const query = `query Levels($id: ID!) {
        locations(first: 5) { nodes { id name } }
        productVariant(id: $id) {
          inventoryQuantity
          inventoryItem { inventoryLevels(first: 5) { nodes { location { id } quantities(names: ["available", "on_hand", "committed"]) { name quantity } } } }
        }
      }`;

      const answer = await graphql(local, localToken, query, { id: variantId });

      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data?.locations).toEqual({ nodes: [{ id: primary, name: 'Bodega' }, { id: branch, name: 'Sucursal' }] });
      expect(answer.body.data?.productVariant).toEqual({
        inventoryQuantity: 4,
        inventoryItem: {
          inventoryLevels: {
            nodes: [
              { location: { id: primary }, quantities: [{ name: 'available', quantity: 4 }, { name: 'on_hand', quantity: 4 }, { name: 'committed', quantity: 0 }] },
              { location: { id: branch }, quantities: [{ name: 'available', quantity: 6 }, { name: 'on_hand', quantity: 6 }, { name: 'committed', quantity: 0 }] },
            ],
          },
        },
      });
    } finally {
      await local.close();
    }
  });

  test('commits units on an order', async () => {
    const order = sandbox.createOrder({ shopDomain: SHOP, lines: [{ variantId: variant(0, 0), quantity: 3 }] });
    const query = `query Level($id: ID!, $location: ID!) { inventoryItem(id: $id) { inventoryLevel(locationId: $location) { quantities(names: ["available", "committed", "on_hand"]) { name quantity } } } }`;

    const answer = await graphql(sandbox, token, query, { id: item(0, 0), location: seeded.locationIds[0] });

    expect(order.lines[0]?.sku).toBe('GQL0_PLATA23');
    expect(answer.body.data?.inventoryItem).toEqual({
      inventoryLevel: { quantities: [{ name: 'available', quantity: 1 }, { name: 'committed', quantity: 3 }, { name: 'on_hand', quantity: 4 }] },
    });
  });
});

describe('API versions', () => {
  test('falls forward from a retired version', async () => {
    const answer = await graphql(sandbox, token, '{ shop { name } }', {}, { version: '2024-01' });

    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-shopify-api-version')).toBe('2025-07');
  });

  test('rejects unknown versions', async () => {
    for (const version of ['2099-01', '2026-05', 'latest']) {
      const answer = await graphql(sandbox, token, '{ shop { name } }', {}, { version });
      expect(answer.status, version).toBe(404);
    }
  });
});

describe('bulk operations', () => {
  const BULK_QUERY = `{ products { edges { node { id title variants { edges { node { id sku inventoryItem { id } } } } } } } }`;
  const RUN = `mutation Run($query: String!) { bulkOperationRunQuery(query: $query) { bulkOperation { id status } userErrors { code field message } } }`;
  const STATUS = `query Status($id: ID!) { node(id: $id) { ... on BulkOperation { id status objectCount rootObjectCount url } } }`;

  test('writes the result as JSONL with parent ids', async () => {
    const started = await graphql(sandbox, token, RUN, { query: BULK_QUERY });
    const run = started.body.data?.bulkOperationRunQuery as { bulkOperation: { id: string; status: string } };
    expect(run.bulkOperation.status).toBe('CREATED');

    const busy = await graphql(sandbox, token, RUN, { query: BULK_QUERY });
    expect(busy.body.data?.bulkOperationRunQuery).toMatchObject({ bulkOperation: null, userErrors: [{ code: 'OPERATION_IN_PROGRESS' }] });

    let node: { status: string; objectCount: string; rootObjectCount: string; url: string | null } | undefined;
    await vi.waitFor(
      async () => {
        const answer = await graphql(sandbox, token, STATUS, { id: run.bulkOperation.id });
        node = answer.body.data?.node as typeof node;
        expect(node?.status).toBe('COMPLETED');
      },
      { interval: 10, timeout: 2000 },
    );
    expect(node?.objectCount).toBe('12');
    expect(node?.rootObjectCount).toBe('3');
    const file = await fetch(node?.url ?? '');
    const lines = (await file.text()).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);

    expect(file.status).toBe(200);
    expect(lines[0]).toEqual({ id: seeded.products[0]?.productId, title: 'Tacones GQL 0 Plata' });
    expect(lines[1]).toEqual({ id: variant(0, 0), sku: 'GQL0_PLATA23', inventoryItem: { id: item(0, 0) }, __parentId: seeded.products[0]?.productId });
    expect(lines.filter((line) => line.__parentId === seeded.products[2]?.productId)).toHaveLength(3);
  });

  test('rejects invalid bulk queries', async () => {
    const cases: Array<[string, RegExp]> = [
      ['{ shop { name } }', /must be a connection/],
      ['{ products { edges { node { nope } } } }', /Invalid bulk query/],
      ['{ products { edges { node { variants { edges { node { inventoryItem { inventoryLevels { edges { node { id } } } } } } } } } } }', /more than 2 levels/],
    ];
    for (const [query, message] of cases) {
      const answer = await graphql(sandbox, token, RUN, { query });
      const payload = answer.body.data?.bulkOperationRunQuery as { userErrors: Array<{ code: string; message: string }> };
      expect(payload.userErrors[0]?.code, query).toBe('INVALID');
      expect(payload.userErrors[0]?.message, query).toMatch(message);
    }
  });
});

describe('webhooks', () => {
  test('retries a failed delivery with the same ids', async () => {
    const received: Array<{ webhookId: string | null; eventId: string | null }> = [];
    const server = createServer((request, response) => {
      received.push({ webhookId: request.headers['x-shopify-webhook-id'] as string, eventId: request.headers['x-shopify-event-id'] as string });
      request.resume();
      response.writeHead(received.length === 1 ? 503 : 200).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const local = await startTestSandbox({
      webhookRetryDelayMs: 10,
      apps: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI], webhookUrl: `http://127.0.0.1:${port}/hooks`, webhookTopics: ['orders/create'] }],
    });
    try {
      const shop = local.seedShop({ shopDomain: SHOP, products: shoes(1, 'HOOK') });
      await install(local);

      local.createOrder({ shopDomain: SHOP, lines: [{ variantId: shop.products[0]?.variantIds[0] ?? '', quantity: 1 }] });
      await local.webhooks.flush();

      expect(received).toHaveLength(2);
      expect(received[1]).toEqual(received[0]);
      expect(local.webhooks.sent.map((attempt) => [attempt.topic, attempt.attempt, attempt.status])).toEqual([
        ['orders/create', 1, 503],
        ['orders/create', 2, 200],
      ]);
    } finally {
      await local.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
