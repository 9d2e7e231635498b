import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPkcePair } from '../../src/connectors/shared/index.js';
import { startMercadoLibreSandbox, type MercadoLibreSandbox } from '../../src/sandbox/mercadolibre/index.js';
import { CLIENT_ID, connectSeller, footwearItems, REDIRECT_URI, sandboxApp, sandboxConfig } from '../connectors/mercadolibre-fixtures.js';
import { captureResponsesFrom } from '../support/capture.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { testLogger } from '../support/logger.js';
import { readLedger, readTestDatabases, secretCheckDir } from '../support/secret-ledger.js';

// The secret-leak check is only as good as what reaches it: these tests check that sandbox secrets
// land in the ledger and that logs, responses and databases land in the captures.

function checkDir(): string {
  const dir = secretCheckDir();
  if (!dir) throw new Error('EGDC_SECRET_CHECK_DIR is not set: run the tests through vitest, whose global setup sets it.');
  return dir;
}

/** Returns the text of this run's capture files whose names end with `suffix`. */
async function readCaptures(suffix: string): Promise<string> {
  const folder = path.join(checkDir(), 'captures');
  const files = (await readdir(folder)).filter((file) => file.endsWith(suffix));
  const texts = await Promise.all(files.map((file) => readFile(path.join(folder, file), 'utf8')));
  return texts.join('\n');
}

describe('secret ledger', () => {
  let sandbox: MercadoLibreSandbox;

  beforeAll(async () => {
    sandbox = await startMercadoLibreSandbox({ apps: [sandboxApp()], ratePerSecond: 1000, logger: testLogger() });
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  it('receives what the sandbox issues', async () => {
    const { userId } = sandbox.seedSeller({ nickname: 'TIENDA_LIBRO', items: footwearItems(1, 'LIBRO') });
    const { tokens } = await connectSeller(sandbox, sandboxConfig(sandbox), userId);

    const ledger = await readLedger(checkDir());
    const kindOf = (value: string) => ledger.find((secret) => secret.value === value)?.kind;

    expect(kindOf(tokens.accessToken)).toBe('MERCADOLIBRE access_token');
    expect(kindOf(tokens.refreshToken ?? '')).toBe('MERCADOLIBRE refresh_token');
    expect(kindOf(sandboxApp().clientSecret)).toBe('MERCADOLIBRE client_secret');
  });

  it('receives authorization codes and PKCE verifiers', async () => {
    const { userId } = sandbox.seedSeller({ nickname: 'TIENDA_CODIGO', items: [] });
    const pkce = createPkcePair();
    const code = sandbox.issueAuthorizationCode({ clientId: CLIENT_ID, userId, redirectUri: REDIRECT_URI, codeChallenge: pkce.challenge });
    const response = await fetch(`${sandbox.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'authorization_code', client_id: CLIENT_ID, client_secret: sandboxApp().clientSecret, code, redirect_uri: REDIRECT_URI, code_verifier: pkce.verifier }),
    });
    expect(response.status).toBe(200);

    const values = new Set((await readLedger(checkDir())).map((secret) => secret.value));
    expect(values.has(code)).toBe(true);
    expect(values.has(pkce.verifier)).toBe(true);
  });
});

describe('captures', () => {
  let server: Server;
  let url: string;
  const marker = `capture-marker-${randomBytes(8).toString('hex')}`;

  beforeAll(async () => {
    server = createServer((request, response) => {
      response.setHeader('x-marker', `${marker}-header`);
      response.end(`${marker}-body ${request.url}`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  });

  it('keep log lines, redacted as in production', async () => {
    testLogger().child({ module: 'capture-test' }).trace({ marker, accessToken: `${marker}-token` }, 'capture check');

    const logs = await readCaptures('.log.jsonl');

    expect(logs).toContain(`"marker":"${marker}"`);
    expect(logs).toContain('"accessToken":"[redacted]"');
    expect(logs).not.toContain(`${marker}-token`);
  });

  it('keep responses from our servers only', async () => {
    await (await fetch(`${url}/before`)).text();
    captureResponsesFrom(url);
    const body = await (await fetch(`${url}/after`)).text();

    const responses = await readCaptures('.responses.jsonl');

    expect(body).toBe(`${marker}-body /after`);
    expect(responses).toContain(`${marker}-body /after`);
    expect(responses).toContain(`x-marker: ${marker}-header`);
    expect(responses).not.toContain(`${marker}-body /before`);
  });
});

describe('test databases', () => {
  let database: TestDatabase;

  afterAll(async () => {
    await database?.close();
  });

  it('are listed for the final check', async () => {
    database = await createTestDatabase();

    const name = new URL(database.url).pathname.slice(1);
    expect(await readTestDatabases(checkDir())).toContain(name);
  });
});
