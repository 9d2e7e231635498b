import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ResiliencePolicy, type StockChange, type TokenSet } from '../../src/connectors/shared/index.js';
import { createSheinConnector, type SheinConfig } from '../../src/connectors/shein/index.js';
import type { RecordedRequest, SeededSeller, SheinSandbox } from '../../src/sandbox/shein/index.js';
import { connectSeller, footwear, sandboxConfig, sessionFor, startTestSandbox } from './shein-fixtures.js';

const CHANGE_PATH = '/open-api/stock/change-inventory/v2';

let sandbox: SheinSandbox;
let config: SheinConfig;
let seeded: SeededSeller;
let foreignSku: string;
let tokens: TokenSet;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  config = sandboxConfig(sandbox);
  seeded = sandbox.seedSeller({ name: 'ZAPATERIA_STOCK', products: footwear(45, 'STK') });
  foreignSku = sandbox.seedSeller({ name: 'OTRA_TIENDA', products: footwear(1, 'OTRA') }).skuCodes[0] ?? '';
  tokens = await connectSeller(sandbox, config, seeded.supplierId);
});

beforeEach(() => {
  sandbox.clearFaults();
  sandbox.setRequestSpacing(0);
});

afterAll(async () => {
  await sandbox.close();
});

function change(index: number, quantity: number): StockChange {
  const skuCode = seeded.skuCodes[index] ?? '';
  // footwear() gives every model three sizes.
  return { externalId: seeded.spuNames[Math.floor(index / 3)] ?? '', externalVariantId: skuCode, quantity };
}

function changeCalls(before: number): RecordedRequest[] {
  return sandbox.requests.slice(before).filter((request) => request.path === CHANGE_PATH);
}

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface ChangeBody {
  updateSkuInventoryQuantityRequests: Array<Record<string, unknown>>;
}

describe('SHEIN writeStock', () => {
  it('sends OVERWRITE rows with idempotency keys', async () => {
    const connector = createSheinConnector(config);
    const before = sandbox.requests.length;
    const changes = [change(0, 9), change(1, 0)];

    const result = await connector.writeStock(sessionFor(tokens), changes);

    expect(result).toEqual({ applied: changes, failed: [] });
    const calls = changeCalls(before);
    expect(calls).toHaveLength(1);
    const rows = (calls[0]?.body as ChangeBody).updateSkuInventoryQuantityRequests;
    expect(rows).toEqual([
      { idempotencyKey: expect.stringMatching(/^[0-9a-f-]{36}$/), skuCode: seeded.skuCodes[0], invType: 'VI', changeType: 'OVERWRITE', changeQuantity: 9, changeReason: 'EGDC inventory sync' },
      { idempotencyKey: expect.stringMatching(/^[0-9a-f-]{36}$/), skuCode: seeded.skuCodes[1], invType: 'VI', changeType: 'OVERWRITE', changeQuantity: 0, changeReason: 'EGDC inventory sync' },
    ]);
    expect(rows[0]?.idempotencyKey).not.toBe(rows[1]?.idempotencyKey);
    expect(sandbox.getSku(seeded.skuCodes[0] ?? '')?.usable).toBe(9);
    expect(sandbox.getSku(seeded.skuCodes[1] ?? '')?.usable).toBe(0);
  });

  it('sends the configured warehouse', async () => {
    const connector = createSheinConnector({ ...config, warehouseCode: 'MX-DEFAULT' });
    const before = sandbox.requests.length;

    const result = await connector.writeStock(sessionFor(tokens), [change(2, 5)]);

    expect(result.failed).toEqual([]);
    expect((changeCalls(before)[0]?.body as ChangeBody).updateSkuInventoryQuantityRequests[0]?.warehouseCode).toBe('MX-DEFAULT');
  });

  it('splits more than 100 rows', async () => {
    const connector = createSheinConnector(config);
    const changes = seeded.skuCodes.slice(0, 130).map((_, index) => change(index, 20 + (index % 7)));
    const before = sandbox.requests.length;

    const result = await connector.writeStock(sessionFor(tokens), changes);

    expect(result.failed).toEqual([]);
    expect(result.applied).toHaveLength(130);
    const calls = changeCalls(before);
    expect(calls.map((call) => (call.body as ChangeBody).updateSkuInventoryQuantityRequests.length)).toEqual([100, 30]);
    expect(sandbox.getSku(seeded.skuCodes[129] ?? '')?.usable).toBe(20 + (129 % 7));
  });

  it('fails only the rows SHEIN rejects', async () => {
    const connector = createSheinConnector(config);
    const unknown: StockChange = { externalId: 'i2000010100000', externalVariantId: 'I99999999999999999', quantity: 3 };
    const foreign: StockChange = { externalId: 'iforeign', externalVariantId: foreignSku, quantity: 3 };
    const good = change(3, 11);

    const result = await connector.writeStock(sessionFor(tokens), [unknown, good, foreign]);

    expect(result.applied).toEqual([good]);
    expect(result.failed.map((failure) => failure.change)).toEqual([unknown, foreign]);
    for (const failure of result.failed) {
      expect(failure.error.kind).toBe('not_found');
      expect(failure.error.code).toBe('stock_row_rejected');
      expect(failure.error.marketplaceMessage).toMatch(/not found for this supplier/);
    }
    expect(sandbox.getSku(foreignSku)?.usable).toBe(4);
    expect(sandbox.getSku(seeded.skuCodes[3] ?? '')?.usable).toBe(11);
  });

  it('rejects bad changes locally', async () => {
    const connector = createSheinConnector(config);
    const before = sandbox.requests.length;
    const noSku: StockChange = { externalId: seeded.spuNames[0] ?? '', externalVariantId: null, quantity: 1 };
    const negative = change(4, -1);
    const fraction = change(5, 1.5);

    const result = await connector.writeStock(sessionFor(tokens), [noSku, negative, fraction]);

    expect(result.applied).toEqual([]);
    expect(result.failed.map((failure) => failure.error.code)).toEqual(['sku_code_required', 'invalid_quantity', 'invalid_quantity']);
    expect(changeCalls(before)).toHaveLength(0);
  });

  it('sends the last of repeated changes once', async () => {
    const connector = createSheinConnector(config);
    const before = sandbox.requests.length;
    const first = change(6, 1);
    const last = change(6, 8);

    const result = await connector.writeStock(sessionFor(tokens), [first, last]);

    expect(result.applied).toEqual([first, last]);
    const rows = (changeCalls(before)[0]?.body as ChangeBody).updateSkuInventoryQuantityRequests;
    expect(rows).toHaveLength(1);
    expect(rows[0]?.changeQuantity).toBe(8);
    expect(sandbox.getSku(seeded.skuCodes[6] ?? '')?.usable).toBe(8);
  });

  it('retries a timeout with the same keys', async () => {
    const connector = createSheinConnector({ ...config, timeoutMs: 300 }, { resilience: new ResiliencePolicy({ baseDelayMs: 0 }) });
    // The sandbox applies the first call but responds after the client gave up.
    sandbox.injectFault({ method: 'POST', path: CHANGE_PATH, latencyMs: 800 });
    const before = sandbox.requests.length;

    const result = await connector.writeStock(sessionFor(tokens), [change(7, 13)]);

    expect(result).toEqual({ applied: [change(7, 13)], failed: [] });
    const calls = changeCalls(before);
    expect(calls).toHaveLength(2);
    const keys = calls.map((call) => (call.body as ChangeBody).updateSkuInventoryQuantityRequests[0]?.idempotencyKey);
    expect(keys[0]).toBe(keys[1]);
    expect(sandbox.getSku(seeded.skuCodes[7] ?? '')?.usable).toBe(13);

    // A later manual edit survives the late first call, because the sandbox returns the stored result for its key.
    sandbox.setStock(seeded.skuCodes[7] ?? '', 50);
    await waitFor(() => calls[0]?.status !== 0);
    expect(calls[0]?.status).toBe(200);
    expect(sandbox.getSku(seeded.skuCodes[7] ?? '')?.usable).toBe(50);
  });

  it('retries a 503 and gives up after three attempts', async () => {
    const connector = createSheinConnector(config, { resilience: new ResiliencePolicy({ maxAttempts: 3, baseDelayMs: 0 }) });
    sandbox.injectFault({ method: 'POST', path: CHANGE_PATH, status: 503, times: 3 });
    const before = sandbox.requests.length;
    const changes = seeded.skuCodes.slice(0, 101).map((_, index) => change(index, 2));

    const result = await connector.writeStock(sessionFor(tokens), changes);

    expect(result.applied).toEqual([]);
    expect(result.failed).toHaveLength(101);
    expect(result.failed.every((failure) => failure.error.kind === 'transient' && failure.error.retryable)).toBe(true);
    // Three attempts for the first 100 rows; the last row is not sent after a transient failure outlived its retries.
    expect(changeCalls(before)).toHaveLength(3);
  });

  it('stops after an auth error', async () => {
    const connector = createSheinConnector(config);
    const lapsed = await connectSeller(sandbox, config, seeded.supplierId);
    tokens = await connectSeller(sandbox, config, seeded.supplierId);
    const before = sandbox.requests.length;
    const changes = seeded.skuCodes.slice(0, 120).map((_, index) => change(index, 1));

    const result = await connector.writeStock(sessionFor(lapsed), changes);

    expect(result.applied).toEqual([]);
    expect(result.failed).toHaveLength(120);
    expect(new Set(result.failed.map((failure) => failure.error.code))).toEqual(new Set(['100004']));
    expect(changeCalls(before)).toHaveLength(1);
  });
});
