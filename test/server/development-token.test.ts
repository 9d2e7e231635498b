import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { decodeJwt } from 'jose';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { runDevTokenCommand } from '../../src/commands/dev-token.js';
import { DEVELOPMENT_SECRET_FILE, loadOrCreateDevelopmentSecret, resolveJwtSecret } from '../../src/security/development-secret.js';
import { createJwtVerifier } from '../../src/security/jwt.js';
import { testLogger } from '../support/logger.js';

function capturingLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  return { logger: pino({ level: 'info' }, destination), lines };
}

async function runCommand(argv: string[], env: NodeJS.ProcessEnv) {
  let stdout = '';
  let stderr = '';
  const code = await runDevTokenCommand(argv, env, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

const temporaryDirs: string[] = [];

/** Makes a folder under the system temporary folder, removed after the file's tests. */
async function temporaryDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  temporaryDirs.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(temporaryDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('development JWT secret', () => {
  it('creates a private secret once and reuses it', async () => {
    const dataDir = await temporaryDir('egdc-secret-');
    const { logger, lines } = capturingLogger();
    const first = await loadOrCreateDevelopmentSecret(dataDir, logger);
    const second = await loadOrCreateDevelopmentSecret(dataDir, logger);

    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(second).toBe(first);
    const file = path.join(dataDir, DEVELOPMENT_SECRET_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, 'utf8')).trim()).toBe(first);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('generated a development JWT secret');
    expect(lines[0]).not.toContain(first);
  });

  it('gives concurrent callers the same secret', async () => {
    const dataDir = await temporaryDir('egdc-secret-');
    const { logger } = capturingLogger();
    const secrets = await Promise.all(Array.from({ length: 5 }, () => loadOrCreateDevelopmentSecret(dataDir, logger)));
    expect(new Set(secrets).size).toBe(1);
  });

  it('refuses a truncated secret file', async () => {
    const dataDir = await temporaryDir('egdc-secret-');
    await writeFile(path.join(dataDir, DEVELOPMENT_SECRET_FILE), 'short\n');
    await expect(loadOrCreateDevelopmentSecret(dataDir, testLogger())).rejects.toThrow('Delete the file');
  });

  it('prefers JWT_SECRET and generates nothing in production', async () => {
    const dataDir = await temporaryDir('egdc-secret-');
    const logger = testLogger();
    const configured = 'configured-secret-0123456789abcdefghijkl';
    expect(await resolveJwtSecret({ JWT_SECRET: configured, NODE_ENV: 'development', DATA_DIR: dataDir }, logger)).toBe(configured);
    expect(await resolveJwtSecret({ JWT_SECRET: undefined, NODE_ENV: 'production', DATA_DIR: dataDir }, logger)).toBeUndefined();
    await expect(stat(path.join(dataDir, DEVELOPMENT_SECRET_FILE))).rejects.toThrow();
  });
});

describe('dev-token command', () => {
  it('prints a token the server accepts', async () => {
    const dataDir = await temporaryDir('egdc-token-');
    const env = { NODE_ENV: 'development', DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
    const result = await runCommand(['--tenant', 'demo', '--user', 'dev', '--ttl', '2h', '--scope', 'sync:write listings:read'], env);

    expect(result.code).toBe(0);
    const token = result.stdout.trim();
    const secret = await loadOrCreateDevelopmentSecret(dataDir, testLogger());
    expect(await createJwtVerifier({ secret }).verifyToken(token)).toEqual({
      ok: true,
      auth: { tenantId: 'demo', userId: 'dev', scopes: ['sync:write', 'listings:read'] },
    });
    const claims = decodeJwt(token);
    expect(claims.exp! - claims.iat!).toBe(7200);
  });

  it('uses JWT_SECRET when set', async () => {
    const secret = 'configured-secret-0123456789abcdefghijkl';
    const result = await runCommand(['--tenant', 'demo'], { NODE_ENV: 'development', JWT_SECRET: secret, LOG_LEVEL: 'silent' });
    expect(await createJwtVerifier({ secret }).verifyToken(result.stdout.trim())).toMatchObject({ ok: true, auth: { tenantId: 'demo', userId: 'developer' } });
    expect(decodeJwt(result.stdout.trim()).exp! - decodeJwt(result.stdout.trim()).iat!).toBe(8 * 3600);
  });

  it.each([
    [['--user', 'dev'], 2, 'Missing --tenant'],
    [['--tenant', 'demo', '--ttl', '8 hours'], 2, 'Invalid --ttl "8 hours"'],
    [['--tenant', 'demo', '--unknown'], 2, "Unknown option '--unknown'"],
  ])('rejects %j', async (argv, code, message) => {
    const dataDir = await temporaryDir('egdc-token-');
    const result = await runCommand(argv, { NODE_ENV: 'development', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });

  it('refuses to run in production', async () => {
    const result = await runCommand(['--tenant', 'demo'], { NODE_ENV: 'production', JWT_SECRET: 'configured-secret-0123456789abcdefghijkl', LOG_LEVEL: 'silent' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('NODE_ENV=production');
    expect(result.stdout).toBe('');
  });
});
