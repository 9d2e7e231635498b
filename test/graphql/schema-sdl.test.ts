import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { buildIntegrationsSchema, printIntegrationsSdl } from '../../src/schema/build-schema.js';
import { SCHEMA_FILE } from '../../src/schema/emit.js';

describe('subgraph SDL', () => {
  it('matches the committed schema.graphql', async () => {
    const built = printIntegrationsSdl(await buildIntegrationsSchema());
    const committed = await readFile(SCHEMA_FILE, 'utf8');
    expect(committed, 'src/schema/schema.graphql differs from the schema the code builds: run `npm run schema:emit` and commit the file').toBe(built);
  });

  it('declares the federation link and the Product key', async () => {
    const committed = await readFile(SCHEMA_FILE, 'utf8');
    expect(committed).toContain('@link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])');
    expect(committed).toMatch(/type Product\s+@key\(fields: "sku"\)\s*\{\s*sku: String!/);
  });
});
