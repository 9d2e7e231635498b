import { fileURLToPath } from 'node:url';

/** The demo catalog shipped with the project: EGDC's export format, 2,400 SKUs. */
export const DEMO_CATALOG = fileURLToPath(new URL('../../data/egdc-catalog.csv', import.meta.url));
