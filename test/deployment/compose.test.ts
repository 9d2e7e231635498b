import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema, loadConfig } from '../../src/config.js';

interface ComposeService {
  command?: string[];
  environment?: Record<string, string>;
  profiles?: string[];
}

const compose = parse(await readFile(new URL('../../docker-compose.yml', import.meta.url), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const ourServices = Object.entries(compose.services).filter(([, service]) => service.command?.[1] === 'dist/main.js');
const knownVariables = Object.keys(configSchema.shape);

/** Replaces `${NAME:?message}` and `${NAME:-default}` the way Compose would with NAME set to `value`. */
function interpolate(text: string, value: (name: string) => string | undefined): string {
  return text.replace(/\$\{(\w+)(?::([?-])([^}]*))?\}/g, (_match, name: string, kind?: string, rest?: string) => {
    const set = value(name);
    if (set !== undefined) return set;
    if (kind === '?') throw new Error(`${name} is required: ${rest}`);
    return rest ?? '';
  });
}

describe('docker-compose.yml', () => {
  it('runs the api and worker roles', () => {
    const roles = ourServices.map(([, service]) => service.environment?.ROLE).sort();
    expect(roles).toEqual(['api', 'worker']);
  });

  it('uses commands the program accepts', async () => {
    const source = await readFile(new URL('../../src/main.ts', import.meta.url), 'utf8');
    const commands = /const COMMANDS = \[([^\]]+)\]/.exec(source)?.[1]?.match(/'(\w+)'/g)?.map((quoted) => quoted.slice(1, -1));
    for (const [name, service] of ourServices) {
      expect(service.command?.slice(0, 2), name).toEqual(['node', 'dist/main.js']);
      expect(commands, name).toContain(service.command?.[2]);
    }
  });

  it('sets only variables the configuration reads', () => {
    for (const [name, service] of ourServices) {
      const unknown = Object.keys(service.environment ?? {}).filter((variable) => !knownVariables.includes(variable));
      expect(unknown, name).toEqual([]);
    }
  });

  it('passes configuration validation once secrets are set', () => {
    const secrets: Record<string, string> = { JWT_SECRET: 'x'.repeat(48), ENCRYPTION_KEYS: `key1:${Buffer.alloc(32, 1).toString('base64')}` };
    for (const [name, service] of ourServices) {
      const environment = Object.fromEntries(Object.entries(service.environment ?? {}).map(([key, text]) => [key, interpolate(String(text), (variable) => secrets[variable])]));
      expect(() => loadConfig(environment), name).not.toThrow();
    }
  });

  it('requires the secrets', () => {
    const [, api] = ourServices.find(([name]) => name === 'api')!;
    expect(() => interpolate(api.environment!.JWT_SECRET!, () => undefined)).toThrow(/JWT_SECRET is required/);
  });

  it('offers MongoDB as a profile', () => {
    expect(compose.services.mongodb?.profiles).toEqual(['mongodb']);
  });
});

describe('README configuration table', () => {
  it('documents every variable in both languages', async () => {
    for (const file of ['README.md', 'README.es.md']) {
      const readme = await readFile(new URL(`../../${file}`, import.meta.url), 'utf8');
      const missing = knownVariables.filter((variable) => !readme.includes(`\`${variable}\``));
      expect(missing, `${file} does not document these variables`).toEqual([]);
    }
  });
});
