import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../src/app/runtime.js';
import { createDevelopmentToken } from '../../src/commands/dev-token.js';
import { loadConfig } from '../../src/config.js';
import { freePort } from '../../src/database/embedded.js';
import { startSandboxes, type Sandboxes } from '../../src/demo/sandboxes.js';
import { runScenario, type DemoResult } from '../../src/demo/scenario.js';
import { DEMO_CATALOG } from '../../src/demo/catalog.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** The first rows of the demo catalog: whole models, so items keep all their sizes. */
const CATALOG_ROWS = 160;

describe('main job end to end', () => {
  let database: TestDatabase;
  let dataDir: string;
  let sandboxes: Sandboxes;
  let runtime: Runtime;
  let result: DemoResult;

  beforeAll(async () => {
    database = await createTestDatabase();
    await database.orm.close(true);
    dataDir = await mkdtemp(path.join(tmpdir(), 'egdc-e2e-'));
    const lines = (await readFile(DEMO_CATALOG, 'utf8')).split('\n');
    const catalogFile = path.join(dataDir, 'catalog.csv');
    await writeFile(catalogFile, lines.slice(0, CATALOG_ROWS + 1).join('\n'));

    const config = loadConfig({ DATA_DIR: dataDir, STOCK_PUSH_DEBOUNCE_MS: '100', JOB_POLL_INTERVAL_MS: '200' });
    const logger = pino({ level: 'silent' });
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    sandboxes = await startSandboxes({ publicUrl, logger, mercadolibreRatePerSecond: 100 });
    runtime = await startRuntime({ config, logger, role: 'all', databaseUrl: database.url, port, publicUrl, endpoints: sandboxes.endpoints });
    const token = await createDevelopmentToken({ secret: runtime.jwtSecret!, tenantId: 'e2e', userId: 'tester' });
    result = await runScenario({
      runtime,
      sandbox: sandboxes.mercadolibre,
      logger,
      tenantId: 'e2e',
      catalogFile,
      graphqlUrl: runtime.http!.graphqlUrl,
      wsUrl: runtime.http!.wsUrl,
      token,
      orders: 2,
      stockReports: 3,
    });
  }, 120_000);

  afterAll(async () => {
    await runtime?.stop();
    await sandboxes?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('imports every catalog row as a listing', () => {
    expect(result.catalogRows).toBe(CATALOG_ROWS);
    expect(result.catalogProblems).toBe(0);
    expect(result.summary.marketplaces.mercadolibre.listingsImported).toBe(CATALOG_ROWS);
  });

  it('applies each sandbox order once', () => {
    expect(result.summary.marketplaces.mercadolibre.ordersApplied).toBe(2);
  });

  it('pushes the levels that differed', () => {
    // The sandbox seller starts one pair over EGDC on every seventh variation, and EGDC then
    // reports three new levels.
    expect(result.summary.marketplaces.mercadolibre.stockUpdatesPushed).toBeGreaterThanOrEqual(Math.floor(CATALOG_ROWS / 7) + 3);
  });

  it('leaves the marketplace at EGDC levels', () => {
    expect(result.stockMismatches).toBe(0);
  });

  it('delivers events to a graphql-ws subscriber', () => {
    expect(result.summary.eventsPublished).toBeGreaterThan(0);
    expect(result.eventsReceived).toBeGreaterThan(0);
  });

  it('serves the listings over GraphQL', async () => {
    const token = await createDevelopmentToken({ secret: runtime.jwtSecret!, tenantId: 'e2e' });
    const response = await fetch(runtime.http!.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ connections { status listingCount } }' }),
    });
    const body = (await response.json()) as { data: { connections: Array<{ status: string; listingCount: number }> } };
    expect(body.data.connections).toEqual([{ status: 'ACTIVE', listingCount: CATALOG_ROWS }]);
  });
});
