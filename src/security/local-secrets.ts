import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';

/**
 * Reads a development secret from the data folder, creating it (mode 0600) on first use, so that
 * `npm start` works with no configuration and later starts reuse the same value. Production
 * configuration never reaches this: callers reject a missing secret there first.
 */
export async function readOrCreateLocalSecret(options: {
  dataDir: string;
  fileName: string;
  create: () => string;
  logger: Logger;
  variable: string;
}): Promise<string> {
  const file = path.resolve(options.dataDir, options.fileName);
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const value = options.create();
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${value}\n`, { mode: 0o600 });
  options.logger.warn({ file, variable: options.variable }, `${options.variable} is not set: generated a development value in the data folder`);
  return value;
}
