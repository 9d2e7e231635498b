import { writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildIntegrationsSchema, printIntegrationsSdl } from './build-schema.js';

/**
 * Writes the subgraph SDL to src/schema/schema.graphql, the file the supergraph composes and
 * codegen reads. Run `npm run schema:emit` after changing a type or resolver; a test fails while
 * the file and the code differ.
 */

/** Path of the committed SDL, resolved from the source tree whether this runs from src or dist. */
export const SCHEMA_FILE = fileURLToPath(new URL('../../src/schema/schema.graphql', import.meta.url));

export async function emitSchema(file: string = SCHEMA_FILE): Promise<string> {
  const sdl = printIntegrationsSdl(await buildIntegrationsSchema());
  await writeFile(file, sdl, 'utf8');
  return file;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  emitSchema().then(
    (file) => process.stdout.write(`Wrote ${file}\n`),
    (error: unknown) => {
      process.stderr.write(`schema:emit failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
