import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatLeakReport, runLeakCheck } from '../support/leak-check.js';
import { encodedForms, SecretScanner } from '../support/secret-scan.js';

const ACCESS_TOKEN = `APP_USR-4444555566667777-120422-${randomBytes(16).toString('hex')}-100000001`;
const OTHER_TOKEN = `APP_USR-4444555566667777-120422-${randomBytes(16).toString('hex')}-100000001`;
/** Contains `+`, `/` and `=`, which URL encoding changes. */
const ENCRYPTION_KEY = 'q+Zr/0aB1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV1wX2Y=';
/** Its base64 text contains `+` and `/`, which base64url writes as `-` and `_`. */
const WEBHOOK_SECRET = 'webhook>>>secret???value';

describe('secret scanner', () => {
  const scanner = new SecretScanner([
    { kind: 'MERCADOLIBRE access_token', value: ACCESS_TOKEN },
    { kind: 'encryption key (base64)', value: ENCRYPTION_KEY },
    { kind: 'webhook secret', value: WEBHOOK_SECRET },
    { kind: 'short test secret', value: 'nope' },
  ]);

  it('finds a planted secret and names its kind and line', () => {
    const text = `{"msg":"request sent"}\n{"msg":"calling","header":"Bearer ${ACCESS_TOKEN}"}\n`;

    expect(scanner.scan(text)).toEqual([{ kind: 'MERCADOLIBRE access_token', encoding: 'exact', line: 2 }]);
  });

  it('never puts the secret value in a hit', () => {
    const hits = scanner.scan(`token=${ACCESS_TOKEN}`);

    expect(hits).toHaveLength(1);
    expect(JSON.stringify(hits)).not.toContain(ACCESS_TOKEN);
  });

  it('ignores text without secrets', () => {
    expect(scanner.scan('{"level":30,"msg":"token refreshed","accessToken":"[redacted]"}')).toEqual([]);
  });

  it('tells apart tokens that share a prefix', () => {
    expect(scanner.scan(`{"token":"${OTHER_TOKEN}"}`)).toEqual([]);
  });

  it('finds a URL-encoded secret', () => {
    const hits = scanner.scan(`GET /callback?key=${encodeURIComponent(ENCRYPTION_KEY)}&x=1`);

    expect(hits).toEqual([{ kind: 'encryption key (base64)', encoding: 'url-encoded', line: 1 }]);
  });

  it.each([0, 1, 2])('finds a secret base64-encoded at byte offset %i', (offset) => {
    const prefix = 'u:'.padStart(offset + 2, 'x').slice(0, offset);
    const encoded = Buffer.from(`${prefix}${ACCESS_TOKEN}`).toString('base64');

    expect(scanner.scan(`authorization: Basic ${encoded}`)).toEqual([{ kind: 'MERCADOLIBRE access_token', encoding: 'base64', line: 1 }]);
  });

  it('finds a secret in base64url', () => {
    const encoded = Buffer.from(WEBHOOK_SECRET).toString('base64url');

    expect(encoded).toMatch(/[-_]/);
    expect(scanner.scan(`state=${encoded}`)).toEqual([{ kind: 'webhook secret', encoding: 'base64url', line: 1 }]);
  });

  it('skips secrets shorter than eight characters', () => {
    expect(scanner.checkedCount).toBe(3);
    expect(scanner.skippedCount).toBe(1);
    expect(scanner.scan('nope nope nope')).toEqual([]);
  });

  it('reports a secret once per line', () => {
    expect(scanner.scan(`${ACCESS_TOKEN} ${ACCESS_TOKEN}\n${ACCESS_TOKEN}`)).toEqual([
      { kind: 'MERCADOLIBRE access_token', encoding: 'exact', line: 1 },
      { kind: 'MERCADOLIBRE access_token', encoding: 'exact', line: 2 },
    ]);
  });

  it('builds base64 fragments that only the secret determines', () => {
    const forms = encodedForms('abcdefghijk').filter((form) => form.encoding === 'base64').map((form) => form.text);

    expect(forms).toHaveLength(3);
    for (const [offset, fragment] of forms.entries()) {
      expect(fragment.length).toBeGreaterThanOrEqual(13);
      expect(Buffer.from(`${'x'.repeat(offset)}abcdefghijk!`).toString('base64')).toContain(fragment);
      expect(Buffer.from(`${'x'.repeat(offset)}abcdefghijX!`).toString('base64')).not.toContain(fragment);
    }
  });
});

describe('leak check over a check folder', () => {
  let dir: string | undefined;

  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function checkFolder(captures: Record<string, string>): Promise<string> {
    dir = await mkdtemp(path.join(tmpdir(), 'egdc-leak-check-test-'));
    await mkdir(path.join(dir, 'ledger'));
    await mkdir(path.join(dir, 'captures'));
    const ledger = [{ kind: 'SHOPIFY access_token', value: ACCESS_TOKEN }, { kind: 'JWT secret', value: ENCRYPTION_KEY }];
    await writeFile(path.join(dir, 'ledger', 'worker-1.jsonl'), ledger.map((entry) => JSON.stringify(entry)).join('\n'));
    for (const [file, text] of Object.entries(captures)) await writeFile(path.join(dir, 'captures', file), text);
    return dir;
  }

  it('passes when no capture holds a secret', async () => {
    const folder = await checkFolder({ 'a.log.jsonl': '{"msg":"started"}\n{"msg":"stopped"}\n' });

    const result = await runLeakCheck(folder, undefined);

    expect(result.leaks).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.summary).toMatch(/^secret-leak check: 2 secrets of 2 kinds checked .*0 leaks found$/);
  });

  it('fails on a planted secret and reports file and line only', async () => {
    const folder = await checkFolder({
      'a.log.jsonl': '{"msg":"started"}\n',
      'b.responses.jsonl': `{"source":"POST /graphql -> 200","text":"ok"}\n{"source":"POST /graphql -> 500","text":"token ${ACCESS_TOKEN}"}\n`,
    });

    const result = await runLeakCheck(folder, undefined);
    const report = formatLeakReport(result, folder);

    expect(result.leaks).toEqual([{ kind: 'SHOPIFY access_token', encoding: 'exact', line: 2, file: 'b.responses.jsonl' }]);
    expect(report).toContain('SHOPIFY access_token (exact) in b.responses.jsonl:2');
    expect(report).toContain(folder);
    expect(report).not.toContain(ACCESS_TOKEN);
  });

  it('warns when the ledger is empty', async () => {
    const folder = await checkFolder({});
    await writeFile(path.join(folder, 'ledger', 'worker-1.jsonl'), '');

    const result = await runLeakCheck(folder, undefined);

    expect(result.warnings).toEqual([expect.stringContaining('The secret ledger is empty')]);
  });
});
