import { readAuthorizationCallback } from '../../src/connectors/shared/callback.js';
import { expect } from 'vitest';
import {
  MarketplaceError,
  type CallbackResult,
  type ConnectorSession,
  type ImportCheckpoint,
  type MarketplaceConnector,
  type RemoteListing,
} from '../../src/connectors/shared/index.js';
import type { FootwearModel } from './drivers.js';

export const SIZES = ['24', '25', '26'] as const;

/** Builds `count` footwear models in three sizes, with SKUs `CTR{nnn}_NEGRO{size}` and stock from 1 to 9. */
export function contractCatalog(count: number): FootwearModel[] {
  return Array.from({ length: count }, (_, index) => {
    const model = `CTR${String(index).padStart(3, '0')}`;
    return {
      title: `Tenis Contrato ${model} Negro`,
      color: 'Negro',
      price: 899,
      sizes: SIZES.map((size, position) => ({ size, sku: `${model}_NEGRO${size}`, quantity: ((index * SIZES.length + position) % 9) + 1 })),
    };
  });
}

/**
 * Reads an authorization redirect with the connector's readCallback, or, for connectors without one,
 * with the standard OAuth 2.0 parameters: `error` is a denial, `code` the code.
 */
export function readCallbackOf(connector: MarketplaceConnector, query: Record<string, string>): CallbackResult {
  return readAuthorizationCallback(connector, query);
}

export interface ImportRun {
  listings: RemoteListing[];
  /** Checkpoint returned after each page, the last one null when the import completed. */
  checkpoints: Array<ImportCheckpoint | null>;
}

/** Imports pages from `checkpoint` until the checkpoint is null or `maxPages` pages were read. */
export async function importPages(
  connector: MarketplaceConnector,
  session: ConnectorSession,
  checkpoint: ImportCheckpoint | null,
  maxPages: number,
): Promise<ImportRun> {
  const run: ImportRun = { listings: [], checkpoints: [] };
  let next = checkpoint;
  do {
    const page = await connector.importListings(session, next);
    run.listings.push(...page.listings);
    run.checkpoints.push(page.checkpoint);
    next = page.checkpoint;
  } while (next !== null && run.checkpoints.length < maxPages);
  return run;
}

/** Awaits a promise that must reject with a MarketplaceError and returns that error. */
export async function marketplaceErrorOf(promise: Promise<unknown>): Promise<MarketplaceError> {
  const outcome = await promise.then(
    () => new Error('expected the call to fail with a MarketplaceError, but it succeeded'),
    (caught: unknown) => caught,
  );
  expect(outcome).toBeInstanceOf(MarketplaceError);
  return outcome as MarketplaceError;
}

/** Returns the query parameters of an authorization URL, including parameters inside a `#/path?...` fragment. */
export function authorizationParams(url: string): URLSearchParams {
  const parsed = new URL(url);
  const params = new URLSearchParams(parsed.search);
  const fragmentQuery = parsed.hash.indexOf('?');
  if (fragmentQuery !== -1) {
    for (const [name, value] of new URLSearchParams(parsed.hash.slice(fragmentQuery + 1))) params.set(name, value);
  }
  return params;
}
