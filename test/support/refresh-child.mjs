// Runs refresh-worker.ts in a separate Node process. Vite's module runner compiles the TypeScript,
// as it does for the tests; jiti's loader fails on MikroORM's CommonJS modules.
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const worker = fileURLToPath(new URL('./refresh-worker.ts', import.meta.url));
const { module } = await runnerImport(worker, { configFile: false, logLevel: 'error' });
process.exit(await module.main());
