import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../src/app/runtime.js';
import { createDevelopmentToken } from '../../src/commands/dev-token.js';
import { loadConfig } from '../../src/config.js';
import { freePort } from '../../src/database/embedded.js';
import { DEMO_CATALOG } from '../../src/demo/catalog.js';
import { DEMO_MARKETPLACE_KEYS, type DemoMarketplaceKey } from '../../src/demo/marketplaces.js';
import { startSandboxes, type Sandboxes } from '../../src/demo/sandboxes.js';
import { runScenario, type DemoResult } from '../../src/demo/scenario.js';
import { recordRuntimeSecrets } from '../support/api-server.js';
import { captureResponsesFrom } from '../support/capture.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { testLogger } from '../support/logger.js';

/** The first rows of the demo catalog: whole models, so items keep all their sizes. */
const CATALOG_ROWS = 160;
const ORDERS = 2;

/** Platform flag column of each marketplace in EGDC's export. */
const FLAG_COLUMNS: Record<DemoMarketplaceKey, string> = { mercadolibre: 'meli', shopify: 'shopify', tiktok: 'tiktok', shein: 'shein' };
const GRAPHQL_NAMES: Record<DemoMarketplaceKey, string> = { mercadolibre: 'MERCADOLIBRE', shopify: 'SHOPIFY', tiktok: 'TIKTOK', shein: 'SHEIN' };

/** Rows whose flag for each marketplace is TRUE, counted straight from the CSV text. */
function countFlagged(lines: string[]): Record<DemoMarketplaceKey, number> {
  const header = lines[0]!.split(',');
  const rows = lines.slice(1).filter((line) => line.trim() !== '').map((line) => line.split(','));
  const counts = {} as Record<DemoMarketplaceKey, number>;
  for (const key of DEMO_MARKETPLACE_KEYS) {
    const column = header.indexOf(FLAG_COLUMNS[key]);
    counts[key] = rows.filter((row) => row[column] === 'TRUE').length;
  }
  return counts;
}

describe('main job end to end', () => {
  let database: TestDatabase;
  let dataDir: string;
  let sandboxes: Sandboxes;
  let runtime: Runtime;
  let result: DemoResult;
  let flagged: Record<DemoMarketplaceKey, number>;

  beforeAll(async () => {
    database = await createTestDatabase();
    await database.orm.close(true);
    dataDir = await mkdtemp(path.join(tmpdir(), 'egdc-e2e-'));
    const lines = (await readFile(DEMO_CATALOG, 'utf8')).split('\n').slice(0, CATALOG_ROWS + 1);
    flagged = countFlagged(lines);
    const catalogFile = path.join(dataDir, 'catalog.csv');
    await writeFile(catalogFile, lines.join('\n'));

    const config = loadConfig({ DATA_DIR: dataDir, STOCK_PUSH_DEBOUNCE_MS: '100', JOB_POLL_INTERVAL_MS: '200' });
    const logger = testLogger();
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    sandboxes = await startSandboxes({ publicUrl, logger });
    runtime = await startRuntime({ config, logger, role: 'all', databaseUrl: database.url, port, publicUrl, endpoints: sandboxes.endpoints });
    await recordRuntimeSecrets(dataDir, runtime.jwtSecret!);
    captureResponsesFrom(runtime.http!.url);
    const token = await createDevelopmentToken({ secret: runtime.jwtSecret!, tenantId: 'e2e', userId: 'tester' });
    result = await runScenario({
      runtime,
      sandboxes,
      logger,
      tenantId: 'e2e',
      catalogFile,
      graphqlUrl: runtime.http!.graphqlUrl,
      wsUrl: runtime.http!.wsUrl,
      token,
      orders: ORDERS,
      stockReports: 3,
    });
  }, 150_000);

  afterAll(async () => {
    await runtime?.stop();
    await sandboxes?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('imports every catalog row', () => {
    expect(result.catalogRows).toBe(CATALOG_ROWS);
    expect(result.catalogProblems).toBe(0);
  });

  it.each(DEMO_MARKETPLACE_KEYS)('lists only the flagged SKUs on %s', (key) => {
    expect(flagged[key]).toBeGreaterThan(0);
    expect(flagged[key]).toBeLessThan(CATALOG_ROWS);
    expect(result.marketplaces[key].listed).toBe(flagged[key]);
  });

  it.each(DEMO_MARKETPLACE_KEYS)('imports every %s listing', (key) => {
    expect(result.summary.marketplaces[key].listingsImported).toBe(flagged[key]);
  });

  it.each(DEMO_MARKETPLACE_KEYS)('applies each %s order once', (key) => {
    expect(result.summary.marketplaces[key].ordersApplied).toBe(ORDERS);
    expect(result.marketplaces[key].miscountedOrders).toBe(0);
  });

  it.each(DEMO_MARKETPLACE_KEYS)('pushes the %s levels that differed', (key) => {
    // Every seventh listed variation starts one pair over EGDC's level.
    expect(result.summary.marketplaces[key].stockUpdatesPushed).toBeGreaterThanOrEqual(Math.floor(flagged[key] / 7));
  });

  it.each(DEMO_MARKETPLACE_KEYS)('leaves %s at EGDC levels', (key) => {
    expect(result.marketplaces[key].stockMismatches).toBe(0);
  });

  it('delivers events to a graphql-ws subscriber', () => {
    expect(result.summary.eventsPublished).toBeGreaterThan(0);
    expect(result.eventsReceived).toBeGreaterThan(0);
  });

  it.each(DEMO_MARKETPLACE_KEYS)('delivers %s sync events to the subscriber', (key) => {
    expect(result.marketplaces[key].eventsReceived).toBeGreaterThan(0);
  });

  it('serves the connections over GraphQL', async () => {
    const token = await createDevelopmentToken({ secret: runtime.jwtSecret!, tenantId: 'e2e' });
    const response = await fetch(runtime.http!.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ connections { marketplace status listingCount } }' }),
    });
    const body = (await response.json()) as { data: { connections: Array<{ marketplace: string; status: string; listingCount: number }> } };
    const byMarketplace = [...body.data.connections].sort((a, b) => a.marketplace.localeCompare(b.marketplace));
    const expected = DEMO_MARKETPLACE_KEYS.map((key) => ({ marketplace: GRAPHQL_NAMES[key], status: 'ACTIVE', listingCount: flagged[key] }))
      .sort((a, b) => a.marketplace.localeCompare(b.marketplace));
    expect(byMarketplace).toEqual(expected);
  });
});
